/**
 * truncateRunes is Alertmanager's notify.Truncate: strings longer than `n` runes keep n-1
 * runes plus "…", so the result is exactly n runes.
 */
export function truncateRunes(s: string, n: number): string {
  const runes = [...s];
  if (runes.length <= n) return s;
  return `${runes.slice(0, n - 1).join('')}…`;
}
