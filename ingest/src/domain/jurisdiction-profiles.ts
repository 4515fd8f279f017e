import type { Thresholds, UnitType } from './thresholds';

export type JurisdictionId = 'fda-2022' | 'fda-legacy-45f' | 'uk';

type ProfileThresholds = Omit<Thresholds, 'suppressionWindows'>;

const NONE = { minWarningC: null, minCriticalC: null, maxWarningC: null, maxCriticalC: null };

/**
 * Default thresholds per jurisdiction and unit type (docs: /work/shared/design/domain.md §1).
 * - FDA Food Code 2022: cold holding ≤ 41 °F / 5 °C, hot holding ≥ 135 °F / 57 °C (roasts
 *   130 °F / 54 °C as the critical floor), frozen ≤ 0 °F / −18 °C (USDA guidance).
 * - Legacy codes: cold holding ≤ 45 °F / 7.2 °C.
 * - UK: ≤ 8 °C legal limit for chilled food, hot holding ≥ 63 °C.
 * Delays follow vendor practice (30 min for fridges so door openings do not page; freezers
 * ride out defrost cycles for an hour; cooling units are allowed the code's first 2-hour
 * stage). Critical tiers are where an operator must act now: 10 °C (50 °F) in a fridge,
 * −12 °C (10 °F) in a freezer, 21 °C (70 °F) in a cooling unit.
 */
const PROFILES: Record<JurisdictionId, Record<UnitType, ProfileThresholds>> = {
  'fda-2022': {
    fridge: { ...NONE, maxWarningC: 5, maxCriticalC: 10, delaySeconds: 1800, hysteresisC: 0.5 },
    freezer: { ...NONE, maxWarningC: -18, maxCriticalC: -12, delaySeconds: 3600, hysteresisC: 1 },
    'hot-holding': { ...NONE, minWarningC: 57, minCriticalC: 54, delaySeconds: 900, hysteresisC: 1 },
    cooling: { ...NONE, maxWarningC: 5, maxCriticalC: 21, delaySeconds: 7200, hysteresisC: 0.5 },
    ambient: { ...NONE, delaySeconds: 0, hysteresisC: 0.5 },
  },
  'fda-legacy-45f': {
    fridge: { ...NONE, maxWarningC: 7.2, maxCriticalC: 10, delaySeconds: 1800, hysteresisC: 0.5 },
    freezer: { ...NONE, maxWarningC: -18, maxCriticalC: -12, delaySeconds: 3600, hysteresisC: 1 },
    'hot-holding': { ...NONE, minWarningC: 57, minCriticalC: 54, delaySeconds: 900, hysteresisC: 1 },
    cooling: { ...NONE, maxWarningC: 7.2, maxCriticalC: 21, delaySeconds: 7200, hysteresisC: 0.5 },
    ambient: { ...NONE, delaySeconds: 0, hysteresisC: 0.5 },
  },
  uk: {
    fridge: { ...NONE, maxWarningC: 8, maxCriticalC: 10, delaySeconds: 1800, hysteresisC: 0.5 },
    freezer: { ...NONE, maxWarningC: -18, maxCriticalC: -12, delaySeconds: 3600, hysteresisC: 1 },
    'hot-holding': { ...NONE, minWarningC: 63, minCriticalC: 57, delaySeconds: 900, hysteresisC: 1 },
    cooling: { ...NONE, maxWarningC: 8, maxCriticalC: 21, delaySeconds: 7200, hysteresisC: 0.5 },
    ambient: { ...NONE, delaySeconds: 0, hysteresisC: 0.5 },
  },
};

function isJurisdiction(id: string): id is JurisdictionId {
  return Object.prototype.hasOwnProperty.call(PROFILES, id);
}

/**
 * defaultThresholds returns the profile's thresholds for a unit type. An unknown profile
 * falls back to the FDA Food Code 2022, the strictest cold-holding limit.
 */
export function defaultThresholds(jurisdiction: string, unitType: UnitType): Thresholds {
  const profile = isJurisdiction(jurisdiction) ? PROFILES[jurisdiction] : PROFILES['fda-2022'];
  return { ...profile[unitType], suppressionWindows: [] };
}
