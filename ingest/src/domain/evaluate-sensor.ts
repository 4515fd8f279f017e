import type { CoolingRule } from '../../../platform/contracts/food-safety-profiles';
import { CoolingMachine } from './cooling-machine';
import type { AlertEvent, Excursion, ExcursionKind } from './excursion';
import { raisePeaks, replayHistory, type ReplayHistory } from './late-readings';
import type { Reading } from './reading';
import { resolveOffline, stepBattery, stepDoor, type RuleOutcome, type SensorRuleSettings } from './sensor-rules';
import { isSuppressed } from './suppression-windows';
import { TemperatureMachine } from './temperature-machine';
import type { Thresholds, UnitType } from './thresholds';

export interface SensorEvaluationInput {
  unitType: UnitType;
  thresholds: Thresholds;
  /** Two-stage cooling of cooked food, for cooling units (null elsewhere). */
  cooling: CoolingRule | null;
  /** Site (or organization) time zone the suppression windows' cron expressions use. */
  timeZone: string;
  /** Latest recorded_at already evaluated; older readings are late. */
  evaluatedUntil: Date | null;
  /** The live (pending or open) excursions of this sensor, by kind. */
  live: Partial<Record<ExcursionKind, Excursion>>;
  /** Newly stored readings of this sensor, in any order. */
  readings: Reading[];
  settings: SensorRuleSettings;
  now: Date;
  /** The stored history to replay for late readings (replayWindow asked for it). */
  history?: ReplayHistory;
}

export interface SensorEvaluation {
  /** Excursions created or changed (write these back). */
  touched: Excursion[];
  events: AlertEvent[];
  evaluatedUntil: Date | null;
  /** Battery level of the latest reading that carried one, if any. */
  batteryPct: number | null;
  /** Readings at or before the input's evaluatedUntil. */
  late: number;
  /** Excursions that had already ended when found: each alerted once, as retrospective. */
  retrospective: number;
}

/**
 * evaluateSensor runs one sensor's new readings, in recorded_at order, through every rule.
 * Readings at or before `evaluatedUntil` arrived late (another request already moved the
 * state past them). For temperature, `history` (when replayWindow asked for it) is replayed
 * first, so a breach the late readings reveal becomes an excursion, or moves the live one's
 * start back, as if they had come in order; otherwise a late reading may raise the peak of the
 * live excursion, or escalate it. The record only grows: a late in-range reading does not close
 * or shorten what is on it.
 * Cooling, door and battery rules move forward only.
 */
export function evaluateSensor(input: SensorEvaluationInput): SensorEvaluation {
  // Taken before stepping: the machines change the excursions in place.
  const wasOpen = new Set(Object.values(input.live).filter((ex) => ex.state === 'open'));
  const sorted = [...input.readings].sort((a, b) => a.recordedAt.getTime() - b.recordedAt.getTime());
  const ctx = { thresholds: input.thresholds, unitType: input.unitType, timeZone: input.timeZone };
  const replay = input.history ? replayHistory(input.history, ctx) : { ended: [], running: null };
  const lateReadings = input.history ? input.readings.filter((r) => r.recordedAt <= input.history!.window.to) : [];
  const raised = input.history ? raisePeaks(input.history.recorded, lateReadings, input.unitType) : [];
  const live = input.live.TemperatureExcursion ?? null;
  const adopted = live ? null : replay.running;
  const temperature = new TemperatureMachine(live ?? adopted, input.thresholds, input.unitType);
  if (adopted) temperature.touched.add(adopted);
  else if (live && replay.running) temperature.backdate(replay.running);
  const cooling = input.cooling ? new CoolingMachine(input.live.CoolingTooSlow ?? null, input.cooling) : null;
  const rules: Record<'DoorOpenTooLong' | 'SensorBatteryLow' | 'SensorOffline', RuleOutcome> = {
    DoorOpenTooLong: { live: input.live.DoorOpenTooLong ?? null, touched: [], events: [] },
    SensorBatteryLow: { live: input.live.SensorBatteryLow ?? null, touched: [], events: [] },
    SensorOffline: { live: input.live.SensorOffline ?? null, touched: [], events: [] },
  };
  let evaluatedUntil = input.evaluatedUntil;
  let batteryPct: number | null = null;
  let late = 0;
  const windows = input.thresholds.suppressionWindows;

  // Compared as numbers: a relational operator on two Dates converts both through valueOf.
  const lateUntil = input.evaluatedUntil?.getTime() ?? -Infinity;
  for (const r of sorted) {
    if (r.recordedAt.getTime() <= lateUntil) {
      late++;
      // In a cooling unit a late hot reading may belong to a cooling cycle nobody can now place.
      if (!cooling) temperature.late(r.recordedAt, r.temperatureC);
      continue;
    }
    evaluatedUntil = r.recordedAt;
    cooling?.step(r.recordedAt, r.temperatureC);
    // While cooked food cools, the unit's holding limits do not apply: the cooling stages do.
    const suppressed = cooling?.cycling() === true || (windows.length > 0 && isSuppressed(r.recordedAt, windows, input.timeZone));
    temperature.step({ at: r.recordedAt, tempC: r.temperatureC, suppressed });
    if (r.doorOpen !== null) stepDoor(rules.DoorOpenTooLong.live, r.recordedAt, r.doorOpen, input.settings, rules.DoorOpenTooLong);
    if (r.batteryPct !== null) {
      batteryPct = r.batteryPct;
      stepBattery(rules.SensorBatteryLow.live, r.recordedAt, r.batteryPct, input.settings, rules.SensorBatteryLow);
    }
  }
  // The sensor spoke: whatever it reported, it is not offline (closed at receipt time).
  if (sorted.length > 0) resolveOffline(rules.SensorOffline.live, input.now, rules.SensorOffline);

  const touched = new Set<Excursion>([...replay.ended, ...raised, ...temperature.touched, ...(cooling?.touched ?? [])]);
  const events = [...temperature.events, ...(cooling?.events ?? [])];
  if (adopted?.state === 'open') events.unshift({ status: 'firing', excursion: adopted, severity: adopted.severity });
  for (const rule of Object.values(rules)) {
    rule.touched.forEach((e) => touched.add(e));
    events.push(...rule.events);
  }
  const alerts = retrospectiveAlerts(events, replay.ended, wasOpen);
  return { touched: [...touched], events: alerts.events, evaluatedUntil, batteryPct, late, retrospective: alerts.retrospective };
}

/**
 * retrospectiveAlerts: an excursion that opened and closed within one evaluation (a gateway's
 * backfill, or a replay of late readings) would reach the router firing and resolved within
 * milliseconds, and whether anyone heard of it would hang on a race: a router, like
 * Alertmanager, never notifies a group whose alerts are all resolved when it flushes. So such
 * an excursion gets one firing alert instead, marked retrospective; the outbox gives it an
 * endsAt a few resend intervals ahead, so the router notifies it, then resolves it by itself.
 * Not being open, it is never re-sent.
 */
function retrospectiveAlerts(events: AlertEvent[], ended: Excursion[], wasOpen: Set<Excursion>): { events: AlertEvent[]; retrospective: number } {
  const past = new Set(ended);
  for (const e of events) if (e.excursion.state === 'closed' && !wasOpen.has(e.excursion)) past.add(e.excursion);
  if (past.size === 0) return { events, retrospective: 0 };
  const kept = events.filter((e) => !past.has(e.excursion));
  for (const ex of past) kept.push({ status: 'firing', excursion: ex, severity: ex.severity, retrospective: true });
  return { events: kept, retrospective: past.size };
}
