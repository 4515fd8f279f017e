import { fingerprint } from './fingerprint';

/** The definition, in BigInt: FNV-1a 64 over each sorted name and value's UTF-8 bytes, each followed by 0xff. */
function reference(labels: Record<string, string>): string {
  let h = 0xcbf29ce484222325n;
  const mix = (b: number) => {
    h = ((h ^ BigInt(b)) * 0x100000001b3n) & 0xffffffffffffffffn;
  };
  for (const name of Object.keys(labels).sort()) {
    for (const s of [name, labels[name]]) {
      for (const b of Buffer.from(s, 'utf8')) mix(b);
      mix(0xff);
    }
  }
  return h.toString(16).padStart(16, '0');
}

describe('fingerprint', () => {
  test.each<Record<string, string>>([
    {},
    { alertname: 'good1' },
    { alertname: 'Bench7', id: '12345', instance: 'host-7', severity: 'warning' },
    { a: '' },
    { z: '~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~', a: '\x7f\x00' },
    { alertname: 'Ω', svc: 'ZWJ 👩\u200d💻 é é', mixed: 'abcé' },
    { ['x'.repeat(300)]: 'y'.repeat(1000) },
  ])('matches FNV-1a 64 over the sorted label pairs for %j', (labels) => {
    expect(fingerprint(labels)).toBe(reference(labels));
  });
});
