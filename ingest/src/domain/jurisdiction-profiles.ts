import { profileDefaults } from '../../../platform/contracts/food-safety-profiles';
import type { Thresholds, UnitType } from './thresholds';

export type { JurisdictionId } from '../../../platform/contracts/food-safety-profiles';

/**
 * defaultThresholds returns the jurisdiction profile's thresholds for a unit type (the table
 * lives in platform/contracts so the control plane shows the same figures ingest applies).
 * An unknown profile falls back to the FDA Food Code 2022, the strictest cold-holding limit.
 */
export function defaultThresholds(jurisdiction: string, unitType: UnitType): Thresholds {
  return { ...profileDefaults(jurisdiction, unitType), suppressionWindows: [] };
}
