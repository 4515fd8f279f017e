import type { LabelSet } from './alert';

const PRIME_LO = 0x1b3;
const encoder = new TextEncoder();

/**
 * fingerprint is Prometheus' label-set fingerprint: FNV-1a 64 over the sorted label names
 * and values, each followed by 0xff, as 16 lowercase hex digits. The 64-bit product is
 * computed in two 32-bit halves (prime = 2^40 + 0x1b3) to avoid BigInt on the hot path.
 */
export function fingerprint(labels: LabelSet): string {
  let hi = 0xcbf29ce4;
  let lo = 0x84222325;
  const feed = (byte: number) => {
    lo = (lo ^ byte) >>> 0;
    const loProduct = lo * PRIME_LO;
    const carry = Math.floor(loProduct / 4294967296);
    const newHi = hi * PRIME_LO + carry + (lo & 0xffffff) * 256;
    lo = loProduct >>> 0;
    hi = newHi >>> 0;
  };
  const feedString = (s: string) => {
    // ASCII fast path; anything else is hashed over its UTF-8 bytes.
    let ascii = true;
    for (let i = 0; i < s.length && ascii; i++) ascii = s.charCodeAt(i) < 0x80;
    if (ascii) for (let i = 0; i < s.length; i++) feed(s.charCodeAt(i));
    else for (const b of encoder.encode(s)) feed(b);
  };
  for (const name of Object.keys(labels).sort()) {
    feedString(name);
    feed(0xff);
    feedString(labels[name]);
    feed(0xff);
  }
  return hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0');
}
