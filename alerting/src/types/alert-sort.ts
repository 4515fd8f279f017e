import type { Alert, LabelSet } from './alert';

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** labelSetBefore is Prometheus' LabelSet.Before: fewer labels first, then the first differing pair over the union of names. */
export function labelSetBefore(a: LabelSet, b: LabelSet): number {
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return ka.length - kb.length;
  const names = [...new Set([...ka, ...kb])].sort();
  for (const n of names) {
    const inA = n in a;
    const inB = n in b;
    if (!inA) return -1;
    if (!inB) return 1;
    const c = cmp(a[n], b[n]);
    if (c !== 0) return c;
  }
  return 0;
}

/** compareAlerts orders as Alertmanager's AlertSlice: by job, then instance (present first), then labels. */
export function compareAlerts(a: Alert, b: Alert): number {
  for (const key of ['job', 'instance']) {
    const av = a.labels[key];
    const bv = b.labels[key];
    if (av === undefined && bv === undefined) continue;
    if (av === undefined) return 1;
    if (bv === undefined) return -1;
    if (av !== bv) return cmp(av, bv);
  }
  return labelSetBefore(a.labels, b.labels);
}
