import type { Disposition } from './excursion';
import type { Direction } from './thresholds';
import type { UnitType } from './thresholds';

/** 70 °F: cold food that never passed it may use the 6-hour TPHC budget (Food Code 3-501.19). */
export const COLD_TPHC_CEILING_C = 21.1;
/** 41 °F: a frozen product that stayed at or below cold-holding temperature is still safe. */
const COLD_HOLDING_C = 5;

/**
 * tphcBudgetSeconds: time as a public health control allows 4 h out of temperature control,
 * or 6 h for cold food that never passed 70 °F.
 */
export function tphcBudgetSeconds(unitType: UnitType, direction: Direction, peakC: number): number {
  const cold = direction === 'high' && unitType !== 'hot-holding';
  return cold && peakC <= COLD_TPHC_CEILING_C ? 6 * 3600 : 4 * 3600;
}

/**
 * suggestDisposition maps cumulative time beyond the limit to the TPHC budget, in the spirit
 * of the 2-hour/4-hour rule: under half the budget the food can be kept (re-chill or
 * re-heat), under the full budget it must be used now, past it discarded. Frozen product that
 * never warmed past cold-holding temperature is kept. A suggestion for the person in charge,
 * recorded with the excursion, not an automatic decision.
 */
export function suggestDisposition(unitType: UnitType, direction: Direction, peakC: number, secondsBeyond: number): Disposition {
  if (unitType === 'freezer' && direction === 'high' && peakC <= COLD_HOLDING_C) return 'keep';
  const budget = tphcBudgetSeconds(unitType, direction, peakC);
  if (secondsBeyond >= budget) return 'discard';
  if (secondsBeyond >= budget / 2) return 'use-now';
  return 'keep';
}
