import type { ProfileThresholds } from '../../../platform/contracts/food-safety-profiles';
import type { SuppressionWindow } from './suppression-windows';

export type { UnitType } from '../../../platform/contracts/food-safety-profiles';

/**
 * Thresholds of one unit. A null limit means "no limit in that direction". The warning tier
 * is the food-safety limit (degree-minutes are counted beyond it); the critical tier is the
 * point where the alert escalates. `delaySeconds` is how long a breach must persist before it
 * is an excursion (0–3 h); an open excursion clears only `hysteresisC` back inside the limit.
 */
export interface Thresholds extends ProfileThresholds {
  suppressionWindows: SuppressionWindow[];
}

export type Severity = 'warning' | 'critical';
export type Direction = 'high' | 'low';

export interface Breach {
  direction: Direction;
  severity: Severity;
  /** The limit crossed first (degree-minutes and the clear point are measured from it). */
  limitC: number;
}

/** classify tells whether a temperature breaches the thresholds, in which direction and tier. */
export function classify(tempC: number, t: Thresholds): Breach | null {
  const highLimit = t.maxWarningC ?? t.maxCriticalC;
  if (highLimit !== null && tempC > highLimit) {
    const critical = t.maxCriticalC !== null && tempC > t.maxCriticalC;
    return { direction: 'high', severity: critical ? 'critical' : 'warning', limitC: highLimit };
  }
  const lowLimit = t.minWarningC ?? t.minCriticalC;
  if (lowLimit !== null && tempC < lowLimit) {
    const critical = t.minCriticalC !== null && tempC < t.minCriticalC;
    return { direction: 'low', severity: critical ? 'critical' : 'warning', limitC: lowLimit };
  }
  return null;
}

/** beyondLimit is how far (≥ 0) a temperature is past the limit in the breach's direction. */
export function beyondLimit(tempC: number, direction: Direction, limitC: number): number {
  return Math.max(0, direction === 'high' ? tempC - limitC : limitC - tempC);
}

/** isCleared: back inside the limit by at least the hysteresis. */
export function isCleared(tempC: number, direction: Direction, limitC: number, hysteresisC: number): boolean {
  return direction === 'high' ? tempC <= limitC - hysteresisC : tempC >= limitC + hysteresisC;
}
