import { contains, parseTimeInterval } from '../src/timeinterval/time-interval';

const ti = (raw: Record<string, unknown>) => parseTimeInterval(raw, 'time_intervals[0].time_intervals[0]');
const at = (iso: string) => new Date(iso);

describe('time intervals', () => {
  test.each([
    [{ times: [{ start_time: '09:00', end_time: '17:00' }] }, '2026-01-05T09:00:00Z', true],
    [{ times: [{ start_time: '09:00', end_time: '17:00' }] }, '2026-01-05T17:00:00Z', false],
    [{ weekdays: ['monday:friday'] }, '2026-01-04T12:00:00Z', false], // a Sunday
    [{ weekdays: ['saturday', 'sunday'] }, '2026-01-04T12:00:00Z', true],
    [{ days_of_month: ['-1'] }, '2026-02-28T12:00:00Z', true],
    [{ days_of_month: ['-1'] }, '2024-02-28T12:00:00Z', false], // leap year: the 29th is last
    [{ days_of_month: ['1:5'] }, '2026-03-05T23:59:00Z', true],
    [{ months: ['january:march'] }, '2026-04-01T00:00:00Z', false],
    [{ months: ['12'] }, '2026-12-24T00:00:00Z', true],
    [{ years: ['2025:2026'] }, '2027-01-01T00:00:00Z', false],
    // 08:30 UTC is 09:30 in Berlin (winter): inside 09:00–17:00 there, outside in UTC.
    [{ times: [{ start_time: '09:00', end_time: '17:00' }], location: 'Europe/Berlin' }, '2026-01-05T08:30:00Z', true],
    [{ times: [{ start_time: '09:00', end_time: '17:00' }] }, '2026-01-05T08:30:00Z', false],
    [{ times: [{ start_time: '00:00', end_time: '24:00' }], weekdays: ['monday'] }, '2026-01-05T23:59:00Z', true],
  ])('%j contains %s: %s', (raw, time, expected) => {
    expect(contains(ti(raw), at(time))).toBe(expected);
  });

  test.each([
    [{ weekdays: ['monday:sunday'] }, 'start day cannot be before end day'],
    [{ weekdays: ['funday'] }, 'funday is not a valid day'],
    [{ times: [{ start_time: '17:00', end_time: '09:00' }] }, 'start time cannot be equal or greater than end time'],
    [{ times: [{ start_time: '9am', end_time: '10:00' }] }, "couldn't parse timestamp 9am"],
    [{ days_of_month: ['0'] }, 'not a valid day of the month'],
    [{ months: ['march:january'] }, 'end month must be greater than start month'],
    [{ location: 'Mars/Olympus' }, 'unknown time zone Mars/Olympus'],
    [{ hours: ['1'] }, 'time_intervals[0].time_intervals[0].hours: field hours not found'],
  ])('rejects %j', (raw, message) => {
    expect(() => ti(raw)).toThrow(message);
  });
});
