/**
 * Default thresholds per jurisdiction profile and unit type, shared by the roles that need
 * them (the control plane shows and applies defaults; ingest evaluates readings against the
 * same figures). Values follow /work/shared/design/domain.md §1 and match ingest's
 * ingest/src/domain/jurisdiction-profiles.ts, which predates this contract.
 * - FDA Food Code 2022: cold holding ≤ 5 °C (41 °F), hot holding ≥ 57 °C (135 °F), frozen ≤ −18 °C.
 * - Legacy codes: cold holding ≤ 7.2 °C (45 °F). UK: chilled ≤ 8 °C, hot holding ≥ 63 °C.
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
