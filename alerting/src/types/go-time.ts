/**
 * formatGoTime prints a time as Go's RFC3339Nano in UTC: fractional seconds with trailing
 * zeros trimmed (`…:50.56Z`, `…:50Z`). Our clock has millisecond precision.
 */
export function formatGoTime(d: Date): string {
  const iso = d.toISOString();
  const [head, frac] = iso.slice(0, -1).split('.');
  const trimmed = (frac ?? '').replace(/0+$/, '');
  return trimmed ? `${head}.${trimmed}Z` : `${head}Z`;
}

/** formatApiTime prints a time as the v2 API does: always three fractional digits. */
export function formatApiTime(d: Date): string {
  return d.toISOString();
}
