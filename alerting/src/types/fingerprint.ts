import type { LabelSet } from './alert';

const encoder = new TextEncoder();

// FNV-1a 64-bit state in four 16-bit limbs (h0 least significant): every intermediate stays a
// small integer, which V8 keeps unboxed. Module-level so the hot path allocates nothing.
let h0 = 0;
let h1 = 0;
let h2 = 0;
let h3 = 0;

/** mixByte: hash ^= b; hash *= 0x100000001b3 (limbs 0x01b3, 0, 0x0100, 0). */
function mixByte(b: number): void {
  h0 ^= b;
  const t0 = h0 * 0x1b3;
  let t1 = h1 * 0x1b3;
  let t2 = h2 * 0x1b3 + h0 * 0x100;
  let t3 = h3 * 0x1b3 + h1 * 0x100;
  t1 += t0 >>> 16;
  h0 = t0 & 0xffff;
  t2 += t1 >>> 16;
  h1 = t1 & 0xffff;
  t3 += t2 >>> 16;
  h2 = t2 & 0xffff;
  h3 = t3 & 0xffff;
}

function mixString(s: string): void {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) {
      // Rare: hash the UTF-8 bytes of the rest of the string.
      for (const b of encoder.encode(s.slice(i))) mixByte(b);
      return;
    }
    mixByte(c);
  }
}

/**
 * fingerprint is Prometheus' label-set fingerprint: FNV-1a 64 over the sorted label names
 * and values, each followed by 0xff, as 16 lowercase hex digits (no BigInt on the hot path).
 */
export function fingerprint(labels: LabelSet): string {
  h3 = 0xcbf2;
  h2 = 0x9ce4;
  h1 = 0x8422;
  h0 = 0x2325;
  for (const name of Object.keys(labels).sort()) {
    mixString(name);
    mixByte(0xff);
    mixString(labels[name]);
    mixByte(0xff);
  }
  const hex = (n: number) => n.toString(16).padStart(4, '0');
  return hex(h3) + hex(h2) + hex(h1) + hex(h0);
}
