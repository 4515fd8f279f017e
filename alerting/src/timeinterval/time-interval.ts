import { ConfigFileError } from '../config/config-file-error';
import { child, optList, optString, strictMap } from '../config/fields';

/** InclusiveRange is a `start:end` range (both ends included). */
export interface InclusiveRange {
  begin: number;
  end: number;
}

/** TimeInterval is one entry of a named interval: every present field must match. */
export interface TimeInterval {
  times?: { startMinute: number; endMinute: number }[];
  weekdays?: InclusiveRange[];
  daysOfMonth?: InclusiveRange[];
  months?: InclusiveRange[];
  years?: InclusiveRange[];
  location?: string;
  /** The source YAML, re-marshalled verbatim into config.original. */
  raw: Record<string, unknown>;
}

const DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

function parseRanges(list: string[], path: string, parseOne: (s: string, p: string) => number, check: (r: InclusiveRange, p: string) => void): InclusiveRange[] {
  return list.map((item, i) => {
    const p = child(path, i);
    const parts = item.split(':');
    if (parts.length > 2) throw new ConfigFileError(p, `invalid range "${item}"`);
    const begin = parseOne(parts[0].trim(), p);
    const end = parts.length === 2 ? parseOne(parts[1].trim(), p) : begin;
    const r = { begin, end };
    check(r, p);
    return r;
  });
}

function named(names: string[], what: string, offset: number) {
  return (s: string, p: string) => {
    const idx = names.indexOf(s.toLowerCase());
    if (idx >= 0) return idx + offset;
    if (offset === 1 && /^\d+$/.test(s)) return Number(s);
    throw new ConfigFileError(p, `${s} is not a valid ${what}`);
  };
}

function integer(s: string, p: string): number {
  if (!/^-?\d+$/.test(s)) throw new ConfigFileError(p, `invalid number "${s}"`);
  return Number(s);
}

function parseClock(s: string, p: string): number {
  const m = /^(\d{2}):(\d{2})$/.exec(s);
  if (!m) throw new ConfigFileError(p, `couldn't parse timestamp ${s}, invalid format`);
  const minutes = Number(m[1]) * 60 + Number(m[2]);
  if (Number(m[2]) > 59 || minutes > 24 * 60) throw new ConfigFileError(p, `timestamp ${s} out of range`);
  return minutes;
}

/** parseTimeInterval validates one time interval entry with Alertmanager's rules. */
export function parseTimeInterval(raw: unknown, path: string): TimeInterval {
  const map = strictMap(raw, path, ['times', 'weekdays', 'days_of_month', 'months', 'years', 'location']);
  const ti: TimeInterval = { raw: map };
  const times = optList(map, 'times', path);
  if (times) {
    ti.times = times.map((t, i) => {
      const p = child(child(path, 'times'), i);
      const tm = strictMap(t, p, ['start_time', 'end_time']);
      const start = optString(tm, 'start_time', p);
      const end = optString(tm, 'end_time', p);
      if (start === undefined || end === undefined) throw new ConfigFileError(p, 'both start and end times must be provided');
      const startMinute = parseClock(start, child(p, 'start_time'));
      const endMinute = parseClock(end, child(p, 'end_time'));
      if (startMinute >= endMinute) throw new ConfigFileError(p, 'start time cannot be equal or greater than end time');
      return { startMinute, endMinute };
    });
  }
  const strings = (key: string) => optList(map, key, path)?.map(String);
  const weekdays = strings('weekdays');
  if (weekdays)
    ti.weekdays = parseRanges(weekdays, child(path, 'weekdays'), named(DAYS, 'day', 0), (r, p) => {
      if (r.begin > r.end) throw new ConfigFileError(p, 'start day cannot be before end day');
    });
  const dom = strings('days_of_month');
  if (dom)
    ti.daysOfMonth = parseRanges(dom, child(path, 'days_of_month'), integer, (r, p) => {
      for (const v of [r.begin, r.end]) if (v === 0 || v < -31 || v > 31) throw new ConfigFileError(p, `${v} is not a valid day of the month: out of range`);
      if (Math.sign(r.begin) === Math.sign(r.end) && r.begin > r.end) throw new ConfigFileError(p, 'end day must be greater than start day');
    });
  const months = strings('months');
  if (months)
    ti.months = parseRanges(months, child(path, 'months'), named(MONTHS, 'month', 1), (r, p) => {
      if (r.begin < 1 || r.end > 12) throw new ConfigFileError(p, 'month out of range');
      if (r.begin > r.end) throw new ConfigFileError(p, 'end month must be greater than start month');
    });
  const years = strings('years');
  if (years)
    ti.years = parseRanges(years, child(path, 'years'), integer, (r, p) => {
      if (r.begin > r.end) throw new ConfigFileError(p, 'end year must be greater than start year');
    });
  const location = optString(map, 'location', path);
  if (location !== undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: location });
    } catch {
      throw new ConfigFileError(child(path, 'location'), `unknown time zone ${location}`);
    }
    ti.location = location;
  }
  return ti;
}

interface Civil {
  year: number;
  month: number;
  day: number;
  weekday: number;
  minute: number;
  daysInMonth: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function civil(t: Date, zone: string): Civil {
  let fmt = formatters.get(zone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', weekday: 'long' });
    formatters.set(zone, fmt);
  }
  const parts = Object.fromEntries(fmt.formatToParts(t).map((p) => [p.type, p.value]));
  const year = Number(parts.year);
  const month = Number(parts.month);
  return {
    year,
    month,
    day: Number(parts.day),
    weekday: DAYS.indexOf(String(parts.weekday).toLowerCase()),
    minute: Number(parts.hour) * 60 + Number(parts.minute),
    daysInMonth: new Date(Date.UTC(year, month, 0)).getUTCDate(),
  };
}

const within = (ranges: InclusiveRange[] | undefined, v: number) => !ranges || ranges.some((r) => v >= r.begin && v <= r.end);

/** contains tells whether `t` falls inside the interval (Alertmanager's ContainsTime). */
export function contains(ti: TimeInterval, t: Date): boolean {
  const c = civil(t, ti.location ?? 'UTC');
  if (ti.times && !ti.times.some((r) => c.minute >= r.startMinute && c.minute < r.endMinute)) return false;
  if (ti.daysOfMonth) {
    const ok = ti.daysOfMonth.some((r) => {
      const begin = r.begin < 0 ? c.daysInMonth + r.begin + 1 : r.begin;
      const end = r.end < 0 ? c.daysInMonth + r.end + 1 : r.end;
      return c.day >= begin && c.day <= Math.min(end, c.daysInMonth);
    });
    if (!ok) return false;
  }
  if (!within(ti.months, c.month)) return false;
  if (!within(ti.weekdays, c.weekday)) return false;
  return within(ti.years, c.year);
}

/** anyContains: a named interval is a list; it is active when any entry contains `t`. */
export function anyContains(intervals: TimeInterval[], t: Date): boolean {
  return intervals.some((ti) => contains(ti, t));
}
