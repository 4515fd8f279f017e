/**
 * Default thresholds per jurisdiction profile and unit type, shared by the roles that need
 * them: the control plane shows and applies defaults, ingest evaluates readings against the
 * same figures.
 * - FDA Food Code 2022: cold holding ≤ 41 °F / 5 °C, hot holding ≥ 135 °F / 57 °C (roasts
 *   130 °F / 54 °C as the critical floor), frozen ≤ 0 °F / −18 °C (USDA guidance).
 * - Legacy codes: cold holding ≤ 45 °F / 7.2 °C.
 * - UK: ≤ 8 °C legal limit for chilled food, hot holding ≥ 63 °C.
 * Delays follow vendor practice (30 min for fridges so door openings do not page; freezers
 * ride out defrost cycles for an hour; cooling units, between cooling cycles (COOLING_PROFILES),
 * get the code's first 2-hour stage, so food loaded warm but below hot-holding temperature is
 * not paged at once). Critical tiers are where an operator must act now: 10 °C (50 °F) in a
 * fridge, −12 °C (10 °F) in a freezer, 21 °C (70 °F) in a cooling unit.
 */
export const UNIT_TYPES = ['fridge', 'freezer', 'hot-holding', 'cooling', 'ambient'] as const;
export type UnitType = (typeof UNIT_TYPES)[number];

export const JURISDICTION_IDS = ['fda-2022', 'fda-legacy-45f', 'uk'] as const;
export type JurisdictionId = (typeof JURISDICTION_IDS)[number];

export interface ProfileThresholds {
  minWarningC: number | null;
  minCriticalC: number | null;
  maxWarningC: number | null;
  maxCriticalC: number | null;
  delaySeconds: number;
  hysteresisC: number;
}

const NONE = { minWarningC: null, minCriticalC: null, maxWarningC: null, maxCriticalC: null };

export const FOOD_SAFETY_PROFILES: Record<JurisdictionId, Record<UnitType, ProfileThresholds>> = {
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

export function isJurisdictionId(id: string): id is JurisdictionId {
  return (JURISDICTION_IDS as readonly string[]).includes(id);
}

/** profileDefaults falls back to FDA Food Code 2022 (the strictest cold limit) for an unknown profile. */
export function profileDefaults(jurisdiction: string, unitType: UnitType): ProfileThresholds {
  return FOOD_SAFETY_PROFILES[isJurisdictionId(jurisdiction) ? jurisdiction : 'fda-2022'][unitType];
}

/**
 * CoolingRule: the Food Code's two-stage cooling of cooked food (3-501.14). A cooling cycle
 * starts when the food probe reads at least `startC` (hot-holding temperature); the food must be
 * at or below `stage1C` (21 °C / 70 °F) within `stage1Seconds` (2 h) and at or below `stage2C`
 * (the cold-holding limit) within `stage2Seconds` (6 h) of the start. Applies to cooling units.
 */
export interface CoolingRule {
  startC: number;
  stage1C: number;
  stage1Seconds: number;
  stage2C: number;
  stage2Seconds: number;
}

const FOOD_CODE_COOLING = { stage1C: 21, stage1Seconds: 2 * 3600, stage2Seconds: 6 * 3600 };

/**
 * Cooling per profile: the Food Code's stages, ending at each profile's cold-holding limit and
 * starting at its hot-holding limit. (The UK has no statutory cooling time; its guidance, "as
 * quickly as possible", is held to the same two stages.)
 */
export const COOLING_PROFILES: Record<JurisdictionId, CoolingRule> = {
  'fda-2022': { startC: 57, stage2C: 5, ...FOOD_CODE_COOLING },
  'fda-legacy-45f': { startC: 57, stage2C: 7.2, ...FOOD_CODE_COOLING },
  uk: { startC: 63, stage2C: 8, ...FOOD_CODE_COOLING },
};

/** coolingRule: the profile's cooling stages (FDA Food Code 2022 for an unknown profile). */
export function coolingRule(jurisdiction: string): CoolingRule {
  return COOLING_PROFILES[isJurisdictionId(jurisdiction) ? jurisdiction : 'fda-2022'];
}
