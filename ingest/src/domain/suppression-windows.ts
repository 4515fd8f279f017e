import { parse as parseCron, validateDetailed } from 'node-cron';

/**
 * SuppressionWindow: a time in which temperature breaches are expected and not alarmed —
 * defrost cycles, cleaning. Either recurring (a node-cron expression marking each start, plus
 * a duration) or one fixed interval.
 */
export type SuppressionWindow =
  | { cron: string; durationMinutes: number; reason?: string }
  | { start: Date; end: Date; reason?: string };

/** Longest recurring window accepted: a defrost or cleaning cycle, not a day off alarms. */
export const MAX_WINDOW_MINUTES = 240;

/**
 * parseSuppressionWindows validates thresholds.suppression_windows (JSON as stored):
 * `[{"cron": "0 *\/6 * * *", "duration_minutes": 30}]` or `[{"start": "…", "end": "…"}]`.
 * Returns the windows or an error naming the entry and field.
 */
export function parseSuppressionWindows(raw: unknown): { windows: SuppressionWindow[] } | { error: string } {
  if (raw === null || raw === undefined) return { windows: [] };
  if (!Array.isArray(raw)) return { error: 'suppression_windows: must be an array' };
  const windows: SuppressionWindow[] = [];
  for (const [i, w] of raw.entries()) {
    const at = `suppression_windows[${i}]`;
    if (w === null || typeof w !== 'object') return { error: `${at}: must be an object` };
    const o = w as Record<string, unknown>;
    const reason = typeof o.reason === 'string' ? o.reason : undefined;
    if (typeof o.cron === 'string') {
      const check = validateDetailed(o.cron);
      if (!check.valid) return { error: `${at}.cron: ${check.errors[0]?.message ?? 'invalid expression'}` };
      const d = o.duration_minutes;
      if (typeof d !== 'number' || !Number.isInteger(d) || d < 1 || d > MAX_WINDOW_MINUTES) {
        return { error: `${at}.duration_minutes: must be an integer from 1 to ${MAX_WINDOW_MINUTES}` };
      }
      windows.push({ cron: o.cron, durationMinutes: d, reason });
    } else if (typeof o.start === 'string' && typeof o.end === 'string') {
      const start = new Date(o.start);
      const end = new Date(o.end);
      if (Number.isNaN(start.getTime())) return { error: `${at}.start: not a timestamp` };
      if (Number.isNaN(end.getTime()) || end <= start) return { error: `${at}.end: must be a timestamp after start` };
      windows.push({ start, end, reason });
    } else {
      return { error: `${at}: needs cron + duration_minutes, or start + end` };
    }
  }
  return { windows };
}

interface LocalTime {
  minute: number;
  hour: number;
  day: number;
  month: number;
  weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

function localTime(t: Date, timeZone: string): LocalTime {
  if (timeZone === 'UTC') {
    return { minute: t.getUTCMinutes(), hour: t.getUTCHours(), day: t.getUTCDate(), month: t.getUTCMonth() + 1, weekday: t.getUTCDay() };
  }
  let fmt = formatters.get(timeZone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      weekday: 'short',
    });
    formatters.set(timeZone, fmt);
  }
  const parts = Object.fromEntries(fmt.formatToParts(t).map((p) => [p.type, p.value]));
  return { minute: +parts.minute, hour: +parts.hour, day: +parts.day, month: +parts.month, weekday: WEEKDAYS[parts.weekday] };
}

const parsed = new Map<string, ReturnType<typeof parseCron>>();

function cronMatchesMinute(expr: string, t: Date, timeZone: string): boolean {
  let f = parsed.get(expr);
  if (!f) {
    f = parseCron(expr);
    parsed.set(expr, f);
  }
  const l = localTime(t, timeZone);
  return (
    f.minute.includes(l.minute) &&
    f.hour.includes(l.hour) &&
    f.month.includes(l.month) &&
    f.dayOfMonth.includes(l.day) &&
    f.dayOfWeek.includes(l.weekday)
  );
}

/**
 * isSuppressed: is `t` inside any window? A recurring window is active for durationMinutes
 * from each minute its cron expression fires, in the site's time zone.
 */
export function isSuppressed(t: Date, windows: SuppressionWindow[], timeZone = 'UTC'): boolean {
  for (const w of windows) {
    if ('start' in w) {
      if (t >= w.start && t < w.end) return true;
      continue;
    }
    const minuteStart = Math.floor(t.getTime() / 60_000) * 60_000;
    for (let back = 0; back < w.durationMinutes; back++) {
      if (cronMatchesMinute(w.cron, new Date(minuteStart - back * 60_000), timeZone)) return true;
    }
  }
  return false;
}
