import type { Direction, Severity } from './thresholds';

export type ExcursionKind = 'TemperatureExcursion' | 'CoolingTooSlow' | 'SensorOffline' | 'SensorBatteryLow' | 'DoorOpenTooLong';
export type Disposition = 'keep' | 'use-now' | 'discard';

/**
 * Excursion mirrors a row of the excursions table: `pending` while a breach waits out its
 * delay, `open` once it is an alert, `closed` when cleared. `discarded` marks a pending
 * breach that cleared before its delay (it was never an excursion, so the row is removed).
 */
export interface Excursion {
  id?: string;
  kind: ExcursionKind;
  direction: Direction | null;
  severity: Severity;
  state: 'pending' | 'open' | 'closed';
  discarded?: boolean;
  breachStartedAt: Date;
  openedAt: Date | null;
  closedAt: Date | null;
  limitC: number | null;
  peakC: number | null;
  peakAt: Date | null;
  secondsBeyondLimit: number;
  degreeMinutes: number;
  lastReadingAt: Date | null;
  lastTemperatureC: number | null;
  suggestedDisposition: Disposition | null;
}

/** AlertEvent asks for an alert to be sent about an excursion (through the outbox). */
export interface AlertEvent {
  status: 'firing' | 'resolved';
  excursion: Excursion;
  /** The severity label to use (a resolved event after an escalation carries the old one). */
  severity: Severity;
  /** The excursion had already ended when it was found (evaluateSensor's retrospectiveAlerts). */
  retrospective?: boolean;
}

export function newExcursion(kind: ExcursionKind, at: Date, fields: Partial<Excursion> = {}): Excursion {
  return {
    kind,
    direction: null,
    severity: 'warning',
    state: 'pending',
    breachStartedAt: at,
    openedAt: null,
    closedAt: null,
    limitC: null,
    peakC: null,
    peakAt: null,
    secondsBeyondLimit: 0,
    degreeMinutes: 0,
    lastReadingAt: null,
    lastTemperatureC: null,
    suggestedDisposition: null,
    ...fields,
  };
}

/** raisesPeak: the temperature lies further beyond the limit, in the excursion's direction, than its peak so far. */
export function raisesPeak(ex: Excursion, tempC: number): boolean {
  return ex.direction === 'high' ? tempC > (ex.peakC ?? -Infinity) : tempC < (ex.peakC ?? Infinity);
}
