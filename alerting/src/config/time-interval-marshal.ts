import type { InclusiveRange, TimeInterval } from '../timeinterval/time-interval';
import type { RawMap } from './fields';

const DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

function ranges(list: InclusiveRange[], name: (n: number) => string | number): string[] {
  return list.map((r) => (r.begin === r.end ? String(name(r.begin)) : `${name(r.begin)}:${name(r.end)}`));
}

const clock = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

/** marshalTimeInterval renders an interval as Alertmanager does (day names lower-case, months as numbers). */
export function marshalTimeInterval(ti: TimeInterval): RawMap {
  const out: RawMap = {};
  if (ti.times) out.times = ti.times.map((t) => ({ start_time: clock(t.startMinute), end_time: clock(t.endMinute) }));
  if (ti.weekdays) out.weekdays = ranges(ti.weekdays, (n) => DAYS[n]);
  if (ti.daysOfMonth) out.days_of_month = ranges(ti.daysOfMonth, (n) => n);
  if (ti.months) out.months = ranges(ti.months, (n) => n);
  if (ti.years) out.years = ranges(ti.years, (n) => n);
  if (ti.location) out.location = ti.location;
  return out;
}
