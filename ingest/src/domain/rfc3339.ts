import { daysInMonth } from '../../../platform/time/calendar';

/** RFC 3339 date-time with a mandatory offset; fractional seconds of any length. */
export const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;

const ZERO = 48;
const MINUTE_MS = 60_000;
const MILLIS_PLACES = [100, 10, 1];

function digits(text: string, at: number, count: number): number {
  let n = 0;
  for (let i = at; i < at + count; i++) n = n * 10 + text.charCodeAt(i) - ZERO;
  return n;
}

/**
 * rfc3339Millis: the epoch milliseconds of a timestamp that matched RFC3339, or NaN when its
 * fields name no instant (month 13, 30 February, 24:00, a leap second, offset +24:00).
 *
 * `new Date(text)` parses the same text, but it was most of the validation's time for every
 * reading, and it takes any day up to 31 in any month: 2026-04-31 became 1 May, a reading
 * stored under another instant than its device recorded (possibly a real reading's, then
 * counted as its duplicate). This reads the fixed positions the pattern guarantees and
 * checks each field against the calendar. Digits past milliseconds are dropped, as Date does.
 */
export function rfc3339Millis(text: string): number {
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) return NaN;

  let at = 19;
  let millis = 0;
  if (text.charCodeAt(at) === 46 /* . */) {
    for (let place = 0, c = text.charCodeAt(++at); c >= ZERO && c <= ZERO + 9; place++, c = text.charCodeAt(++at)) {
      if (place < 3) millis += (c - ZERO) * MILLIS_PLACES[place];
    }
  }
  let offsetMinutes = 0;
  const sign = text.charCodeAt(at);
  if (sign === 43 /* + */ || sign === 45 /* - */) {
    const offsetHours = digits(text, at + 1, 2);
    const offsetMins = digits(text, at + 4, 2);
    if (offsetHours > 23 || offsetMins > 59) return NaN;
    offsetMinutes = (sign === 43 ? 1 : -1) * (offsetHours * 60 + offsetMins);
  }
  // Date.UTC reads years 0-99 as 1900-1999; setUTCFullYear does not.
  const utc = year >= 100 ? Date.UTC(year, month - 1, day, hour, minute, second, millis) : new Date(0).setUTCFullYear(year, month - 1, day) + ((hour * 60 + minute) * 60 + second) * 1000 + millis;
  return utc - offsetMinutes * MINUTE_MS;
}
