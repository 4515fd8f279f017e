import { labelSetBefore } from './alert-sort';

/** Prometheus' LabelSet.Before as written there: over the sorted union of both sides' names. */
function reference(a: Record<string, string>, b: Record<string, string>): number {
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return ka.length - kb.length;
  for (const n of [...new Set([...ka, ...kb])].sort()) {
    if (!(n in a)) return -1;
    if (!(n in b)) return 1;
    if (a[n] !== b[n]) return a[n] < b[n] ? -1 : 1;
  }
  return 0;
}

describe('labelSetBefore', () => {
  const sets: Record<string, string>[] = [{}, { a: '1' }, { b: '1' }, { a: '2' }, { a: '1', c: '1' }, { b: '1', c: '1' }, { a: '1', b: '1' }, { a: '1', b: '2' }, { c: '1', a: '1' }, { a: '', d: '1' }, { a: '1', b: '1', c: '1' }];
  test.each(sets.flatMap((a) => sets.map((b) => [a, b])))('orders %j against %j as Prometheus does', (a, b) => {
    expect(Math.sign(labelSetBefore(a, b))).toBe(Math.sign(reference(a, b)));
  });
});
