import type { Alert, LabelSet } from './alert';

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * labelSetBefore is Prometheus' LabelSet.Before: fewer labels first, then the first differing
 * pair over the union of names. With equal counts the union is walked as a merge of the two
 * sorted name lists: the first name only one side has decides (the side lacking it sorts
 * first). Sorting a group's alerts calls this hundreds of times, so it allocates no more
 * than the two name lists.
 */
export function labelSetBefore(a: LabelSet, b: LabelSet): number {
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return ka.length - kb.length;
  ka.sort();
  kb.sort();
  for (let i = 0; i < ka.length; i++) {
    if (ka[i] !== kb[i]) return ka[i] < kb[i] ? 1 : -1;
    const c = cmp(a[ka[i]], b[kb[i]]);
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
