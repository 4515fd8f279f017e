import type { AlertEvent, Excursion, ExcursionKind } from './excursion';
import type { Reading } from './reading';
import { resolveOffline, stepBattery, stepDoor, type RuleOutcome, type SensorRuleSettings } from './sensor-rules';
import { isSuppressed } from './suppression-windows';
import { TemperatureMachine } from './temperature-machine';
import type { Thresholds, UnitType } from './thresholds';

export interface SensorEvaluationInput {
  unitType: UnitType;
  thresholds: Thresholds;
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
}

export interface SensorEvaluation {
  /** Excursions created or changed (write these back). */
  touched: Excursion[];
  events: AlertEvent[];
  evaluatedUntil: Date | null;
  /** Battery level of the latest reading that carried one, if any. */
  batteryPct: number | null;
  /** Readings older than evaluatedUntil (they may raise a live excursion's peak only). */
  late: number;
}

/**
 * evaluateSensor runs one sensor's new readings, in recorded_at order, through every rule.
 * Readings at or before `evaluatedUntil` arrived late (another request already moved the
 * state past them): they are stored, and may raise the peak of a live temperature excursion,
 * but never reopen or close anything — the state machine only moves forward in time, so two
 * replicas evaluating the same history always agree.
 */
export function evaluateSensor(input: SensorEvaluationInput): SensorEvaluation {
  const sorted = [...input.readings].sort((a, b) => a.recordedAt.getTime() - b.recordedAt.getTime());
  const temperature = new TemperatureMachine(input.live.TemperatureExcursion ?? null, input.thresholds, input.unitType);
  const rules: Record<'DoorOpenTooLong' | 'SensorBatteryLow' | 'SensorOffline', RuleOutcome> = {
    DoorOpenTooLong: { live: input.live.DoorOpenTooLong ?? null, touched: [], events: [] },
    SensorBatteryLow: { live: input.live.SensorBatteryLow ?? null, touched: [], events: [] },
    SensorOffline: { live: input.live.SensorOffline ?? null, touched: [], events: [] },
  };
  let evaluatedUntil = input.evaluatedUntil;
  let batteryPct: number | null = null;
  let late = 0;
  const windows = input.thresholds.suppressionWindows;

  for (const r of sorted) {
    if (evaluatedUntil && r.recordedAt <= evaluatedUntil) {
      late++;
      temperature.late(r.recordedAt, r.temperatureC);
      continue;
    }
    evaluatedUntil = r.recordedAt;
    const suppressed = windows.length > 0 && isSuppressed(r.recordedAt, windows, input.timeZone);
    temperature.step({ at: r.recordedAt, tempC: r.temperatureC, suppressed });
    if (r.doorOpen !== null) stepDoor(rules.DoorOpenTooLong.live, r.recordedAt, r.doorOpen, input.settings, rules.DoorOpenTooLong);
    if (r.batteryPct !== null) {
      batteryPct = r.batteryPct;
      stepBattery(rules.SensorBatteryLow.live, r.recordedAt, r.batteryPct, input.settings, rules.SensorBatteryLow);
    }
  }
  // The sensor spoke: whatever it reported, it is not offline (closed at receipt time).
  if (sorted.length > 0) resolveOffline(rules.SensorOffline.live, input.now, rules.SensorOffline);

  const touched = new Set<Excursion>(temperature.touched);
  const events = [...temperature.events];
  for (const rule of Object.values(rules)) {
    rule.touched.forEach((e) => touched.add(e));
    events.push(...rule.events);
  }
  return { touched: [...touched], events, evaluatedUntil, batteryPct, late };
}
