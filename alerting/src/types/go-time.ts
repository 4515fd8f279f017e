/**
 * TimeForm is how a posted time was written, beyond the instant a Date holds: Go's time.Time
 * keeps the UTC offset and the nanoseconds, and Alertmanager prints them back (its API the
 * offset, its webhook payload both).
 */
export interface TimeForm {
  offsetMinutes: number;
  /** Nanoseconds below the millisecond, 0–999,999. */
  subMsNanos: number;
}

/** UTC_MS is a time in UTC with nothing below the millisecond: what our own clock produces. */
export const UTC_MS: TimeForm = { offsetMinutes: 0, subMsNanos: 0 };

/** isUtcMs: a form that prints as a plain UTC millisecond time. */
export const isUtcMs = (form: TimeForm) => form.offsetMinutes === 0 && form.subMsNanos === 0;

/** goZone prints a UTC offset as Go's Z07:00 layout does. */
function goZone(offsetMinutes: number): string {
  if (offsetMinutes === 0) return 'Z';
  const abs = Math.abs(offsetMinutes);
  return `${offsetMinutes < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** localIso is the ISO form of the wall-clock time at `offsetMinutes`, without its zone. */
const localIso = (d: Date, offsetMinutes: number) => new Date(d.getTime() + offsetMinutes * 60_000).toISOString().slice(0, 23);

/**
 * formatGoTime prints a time as Go's RFC3339Nano: in the offset it was written in,
 * fractional seconds with trailing zeros trimmed (`…:50.56Z`, `…:50Z`,
 * `…:23.123456789+02:00`). Times of our own clock are UTC with millisecond precision.
 */
export function formatGoTime(d: Date, form: TimeForm = UTC_MS): string {
  const local = localIso(d, form.offsetMinutes);
  let nanos = String(d.getUTCMilliseconds() * 1_000_000 + form.subMsNanos).padStart(9, '0');
  let end = nanos.length;
  while (end > 0 && nanos[end - 1] === '0') end--;
  nanos = nanos.slice(0, end);
  return `${local.slice(0, 19)}${nanos ? `.${nanos}` : ''}${goZone(form.offsetMinutes)}`;
}

/** formatApiTime prints a time as the v2 API does (strfmt): three fractional digits, in the offset it was written in. */
export function formatApiTime(d: Date, offsetMinutes = 0): string {
  return offsetMinutes === 0 ? d.toISOString() : `${localIso(d, offsetMinutes)}${goZone(offsetMinutes)}`;
}
