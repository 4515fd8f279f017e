/**
 * Times printed as Alertmanager's Go code prints them (issue 4): RFC3339Nano in the webhook,
 * strfmt's three digits in the API, both in the offset a time was posted in.
 */
import { formatApiTime, formatGoTime } from './go-time';

const at = (iso: string) => new Date(iso);

describe('formatGoTime (RFC3339Nano)', () => {
  test.each([
    ['2026-11-25T21:07:23.000Z', undefined, '2026-11-25T21:07:23Z'],
    ['2026-11-25T21:07:23.500Z', undefined, '2026-11-25T21:07:23.5Z'],
    ['2026-11-25T21:07:23.560Z', undefined, '2026-11-25T21:07:23.56Z'],
    ['2026-11-25T21:07:23.123Z', { offsetMinutes: 120, subMsNanos: 456_789 }, '2026-11-25T23:07:23.123456789+02:00'],
    ['2026-11-25T21:07:23.000Z', { offsetMinutes: 0, subMsNanos: 1 }, '2026-11-25T21:07:23.000000001Z'],
    ['2026-11-25T21:07:23.000Z', { offsetMinutes: -90, subMsNanos: 0 }, '2026-11-25T19:37:23-01:30'],
    ['2026-11-25T23:30:00.000Z', { offsetMinutes: 330, subMsNanos: 500_000 }, '2026-11-26T05:00:00.0005+05:30'],
    ['1969-12-31T23:59:59.999Z', { offsetMinutes: 0, subMsNanos: 999_999 }, '1969-12-31T23:59:59.999999999Z'],
  ])('%s in %j', (iso, form, printed) => {
    expect(formatGoTime(at(iso), form)).toBe(printed);
  });
});

describe('formatApiTime (strfmt)', () => {
  test('three digits, in the offset given, UTC as Z', () => {
    expect(formatApiTime(at('2026-11-25T21:07:23.5Z'))).toBe('2026-11-25T21:07:23.500Z');
    expect(formatApiTime(at('2026-11-25T21:07:23.5Z'), 120)).toBe('2026-11-25T23:07:23.500+02:00');
    expect(formatApiTime(at('2026-11-25T21:07:23Z'), -270)).toBe('2026-11-25T16:37:23.000-04:30');
  });
});
