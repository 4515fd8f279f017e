/**
 * formatGoTime prints a time as Go's RFC3339Nano in UTC: fractional seconds with trailing
 * zeros trimmed (`…:50.56Z`, `…:50Z`). Our clock has millisecond precision.
 */
export function formatGoTime(d: Date): string {
  const iso = d.toISOString(); // always YYYY-MM-DDTHH:MM:SS.mmmZ for these years
  const ms = d.getUTCMilliseconds();
  if (ms === 0) return `${iso.slice(0, 19)}Z`;
  if (ms % 100 === 0) return `${iso.slice(0, 21)}Z`;
  if (ms % 10 === 0) return `${iso.slice(0, 22)}Z`;
  return iso;
}

/** formatApiTime prints a time as the v2 API does: always three fractional digits. */
export function formatApiTime(d: Date): string {
  return d.toISOString();
}
