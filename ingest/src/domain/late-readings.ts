import { suggestDisposition } from './disposition';
import { raisesPeak, type Excursion } from './excursion';
import type { Reading } from './reading';
import { isSuppressed } from './suppression-windows';
import { TemperatureMachine } from './temperature-machine';
import { classify, type Thresholds, type UnitType } from './thresholds';

/**
 * How far before the earliest late breach the replay starts, beyond the delay: the breach may
 * have begun with readings already stored that the forward machine saw as a short, discarded
 * breach. Older than that, a breach persisting past its delay would already be on record.
 */
export const REPLAY_LEAD_SECONDS = 3600;
/** Most stored readings one replay reads; past it the replay proves only what it saw. */
export const REPLAY_MAX_READINGS = 20_000;

export interface ReplayWindow {
  from: Date;
  /** The newest recorded_at the forward machine had evaluated: the replay ends there. */
  to: Date;
}

/** What the database holds for a replay window. */
export interface ReplayHistory {
  window: ReplayWindow;
  /** Stored temperatures of the sensor in the window, the late readings included, oldest first. */
  readings: { at: Date; tempC: number }[];
  /** Whether `readings` is the whole window (REPLAY_MAX_READINGS was not reached). */
  complete: boolean;
  /** Temperature excursions on record overlapping the window (closedAt null while live). */
  recorded: Excursion[];
}

export interface ReplayContext {
  thresholds: Thresholds;
  unitType: UnitType;
  timeZone: string;
}

/**
 * replayWindow decides whether a sensor's late readings (those at or before `evaluatedUntil`
 * among `readings`) need their history replayed, and over which span. Only a late reading
 * beyond a limit, outside any suppression window and before the live excursion (if any), can
 * reveal an excursion the forward machine missed; a late in-range reading can only shorten a
 * breach already on record, and history on record is never rewritten (ADR 0069). So most late
 * readings cost nothing beyond their insert, and on-time ones one comparison each.
 */
export function replayWindow(readings: Reading[], ctx: ReplayContext, live: Excursion | null, evaluatedUntil: Date): ReplayWindow | null {
  // In a cooling unit hot readings belong to cooling cycles (ADR 0070), which a replay starting
  // mid-cycle cannot tell from a holding breach: cooling units are not replayed.
  if (ctx.unitType === 'cooling') return null;
  const windows = ctx.thresholds.suppressionWindows;
  const until = evaluatedUntil.getTime();
  const liveSince = live ? live.breachStartedAt.getTime() : Infinity;
  let earliest: number | null = null;
  for (const r of readings) {
    const ms = r.recordedAt.getTime();
    if (ms > until || ms >= liveSince) continue;
    if (!classify(r.temperatureC, ctx.thresholds)) continue;
    if (windows.length > 0 && isSuppressed(r.recordedAt, windows, ctx.timeZone)) continue;
    if (earliest === null || ms < earliest) earliest = ms;
  }
  if (earliest === null) return null;
  return { from: new Date(earliest - (ctx.thresholds.delaySeconds + REPLAY_LEAD_SECONDS) * 1000), to: evaluatedUntil };
}

export interface ReplayOutcome {
  /** Excursions the replay found that had already ended, none of them on record. */
  ended: Excursion[];
  /**
   * The breach still running where evaluation stood, unless it overlaps an ended excursion on
   * record. With no live temperature excursion it becomes the live one; with one in the same
   * direction that began later, it moves that one's start back (TemperatureMachine.backdate).
   */
  running: Excursion | null;
}

/**
 * replayHistory runs a fresh temperature machine over the window's stored readings in
 * recorded_at order, as if they had all arrived in order, and keeps what the record lacks:
 * excursions that opened and do not overlap one on record, and the breach still running at the
 * end. What overlaps an ended excursion on record is left to the record — people may already
 * have acted on it.
 */
export function replayHistory(history: ReplayHistory, ctx: ReplayContext): ReplayOutcome {
  const machine = new TemperatureMachine(null, ctx.thresholds, ctx.unitType);
  const windows = ctx.thresholds.suppressionWindows;
  for (const r of history.readings) {
    const suppressed = windows.length > 0 && isSuppressed(r.at, windows, ctx.timeZone);
    machine.step({ at: r.at, tempC: r.tempC, suppressed });
  }
  const overlaps = (ex: Excursion, recorded: Excursion[]) => {
    const from = ex.breachStartedAt.getTime();
    const to = (ex.closedAt ?? history.window.to).getTime();
    return recorded.some((r) => r.breachStartedAt.getTime() <= to && (r.closedAt === null || r.closedAt.getTime() >= from));
  };
  const ended = [...machine.touched].filter((ex) => ex.state === 'closed' && !ex.discarded && ex.openedAt !== null && !overlaps(ex, history.recorded));
  const last = machine.current();
  const endedOnRecord = history.recorded.filter((r) => r.closedAt !== null);
  const running = history.complete && last !== null && !overlaps(last, endedOnRecord) ? last : null;
  return { ended, running };
}

/**
 * raisePeaks: a late reading inside an ended excursion on record, further beyond the limit than
 * its peak, raises that peak and the disposition that follows from it — the record grows, the
 * excursion stays as it ended, nobody is alerted again. Returns the excursions it changed.
 */
export function raisePeaks(recorded: Excursion[], late: Reading[], unitType: UnitType): Excursion[] {
  const raised = new Set<Excursion>();
  for (const ex of recorded) {
    if (ex.closedAt === null || ex.direction === null) continue;
    for (const r of late) {
      if (r.recordedAt < ex.breachStartedAt || r.recordedAt > ex.closedAt) continue;
      if (!raisesPeak(ex, r.temperatureC)) continue;
      ex.peakC = r.temperatureC;
      ex.peakAt = r.recordedAt;
      ex.suggestedDisposition = suggestDisposition(unitType, ex.direction, ex.peakC, ex.secondsBeyondLimit);
      raised.add(ex);
    }
  }
  return [...raised];
}
