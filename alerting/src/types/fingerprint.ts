import type { LabelSet } from './alert';

const encoder = new TextEncoder();

/** HEX[b] is byte b as two lowercase hex digits: uint32 above 2^31 are doubles, whose toString(16) is slow. */
const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

const hex8 = (n: number) => HEX[(n >>> 24) & 0xff] + HEX[(n >>> 16) & 0xff] + HEX[(n >>> 8) & 0xff] + HEX[n & 0xff];

/**
 * fingerprint is Prometheus' label-set fingerprint: FNV-1a 64 over the sorted label names
 * and values, each followed by 0xff, as 16 lowercase hex digits.
 *
 * The 64-bit state is two int32 locals (V8 keeps them in registers, unboxed; no BigInt).
 * Multiplying by the prime 0x100000001b3 is hash * 0x1b3 + (hash << 40) mod 2^64: lo * 0x1b3
 * is split at 16 bits so each partial product stays a small integer, and its carry and
 * lo << 8 (the << 40 part) go into the high half.
 */
export function fingerprint(labels: LabelSet): string {
  let hi = 0xcbf29ce4 | 0;
  let lo = 0x84222325 | 0;
  const names = Object.keys(labels).sort();
  // Strings in order: name, value, name, value...; each is followed by the 0xff separator.
  for (let k = 0; k < names.length * 2; k++) {
    const s = k & 1 ? labels[names[k >> 1]] : names[k >> 1];
    let utf8: Uint8Array | undefined;
    for (let i = 0; i <= s.length; i++) {
      let b = 0xff;
      if (i < s.length) {
        b = s.charCodeAt(i);
        if (b >= 0x80) {
          // Rare: hash the UTF-8 bytes of the rest of the string below.
          utf8 = encoder.encode(s.slice(i));
          break;
        }
      }
      lo ^= b;
      const low = (lo & 0xffff) * 0x1b3;
      const high = (lo >>> 16) * 0x1b3 + (low >>> 16);
      hi = (Math.imul(hi, 0x1b3) + (high >>> 16) + (lo << 8)) | 0;
      lo = (high << 16) | (low & 0xffff);
    }
    if (utf8) {
      for (let i = 0; i <= utf8.length; i++) {
        lo ^= i < utf8.length ? utf8[i] : 0xff;
        const low = (lo & 0xffff) * 0x1b3;
        const high = (lo >>> 16) * 0x1b3 + (low >>> 16);
        hi = (Math.imul(hi, 0x1b3) + (high >>> 16) + (lo << 8)) | 0;
        lo = (high << 16) | (low & 0xffff);
      }
    }
  }
  return hex8(hi) + hex8(lo);
}
