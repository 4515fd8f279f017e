import { coolingRule, type CoolingRule } from '../../../platform/contracts/food-safety-profiles';
import type { PoolClient } from '../../../platform/db/pool';
import { defaultThresholds } from '../domain/jurisdiction-profiles';
import { parseSuppressionWindows } from '../domain/suppression-windows';
import type { Thresholds, UnitType } from '../domain/thresholds';
import type { AlertContext } from '../domain/build-alert';

/** SensorInfo: what evaluating one sensor's readings needs to know about it. */
export interface SensorInfo {
  id: string;
  orgId: string;
  unitId: string;
  externalId: string;
  unitType: UnitType;
  timeZone: string;
  thresholds: Thresholds;
  /** The jurisdiction's cooling stages, for a cooling unit. */
  cooling: CoolingRule | null;
  alertContext: AlertContext;
  /** Newest evaluated recorded_at (sensors.last_seen_at); readings at or before it are late. */
  evaluatedUntil: Date | null;
}

export interface SensorRow {
  id: string;
  org_id: string;
  unit_id: string;
  external_id: string;
  unit_type: UnitType;
  unit_name: string;
  site_name: string;
  org_slug: string;
  jurisdiction: string;
  timezone: string;
  has_thresholds: boolean;
  min_warning_c: number | null;
  min_critical_c: number | null;
  max_warning_c: number | null;
  max_critical_c: number | null;
  delay_seconds: number | null;
  hysteresis_c: number | null;
  suppression_windows: unknown;
  last_seen_at: Date | null;
}

const SENSOR_SELECT = `
  SELECT s.id, s.org_id, s.unit_id, s.external_id, u.unit_type, u.name AS unit_name, si.name AS site_name,
         o.slug AS org_slug, coalesce(si.jurisdiction, o.jurisdiction) AS jurisdiction,
         coalesce(si.timezone, o.timezone) AS timezone,
         t.unit_id IS NOT NULL AS has_thresholds, t.min_warning_c, t.min_critical_c, t.max_warning_c,
         t.max_critical_c, t.delay_seconds, t.hysteresis_c, t.suppression_windows, s.last_seen_at
  FROM sensors s
  JOIN units u ON u.id = s.unit_id
  JOIN sites si ON si.id = u.site_id
  JOIN organizations o ON o.id = s.org_id
  LEFT JOIN thresholds t ON t.unit_id = s.unit_id`;

/**
 * thresholdsFor: the unit's own thresholds row, or the jurisdiction profile's defaults for
 * its type. Stored suppression windows that fail to parse are ignored (the control plane
 * validates them on write; a bad row must not stop readings being stored).
 */
function thresholdsFor(r: SensorRow): Thresholds {
  if (!r.has_thresholds) return defaultThresholds(r.jurisdiction, r.unit_type);
  const parsed = parseSuppressionWindows(r.suppression_windows);
  return {
    minWarningC: r.min_warning_c,
    minCriticalC: r.min_critical_c,
    maxWarningC: r.max_warning_c,
    maxCriticalC: r.max_critical_c,
    delaySeconds: r.delay_seconds ?? 0,
    hysteresisC: r.hysteresis_c ?? 0,
    suppressionWindows: 'windows' in parsed ? parsed.windows : [],
  };
}

export function toInfo(r: SensorRow): SensorInfo {
  return {
    id: r.id,
    orgId: r.org_id,
    unitId: r.unit_id,
    externalId: r.external_id,
    unitType: r.unit_type,
    timeZone: r.timezone,
    thresholds: thresholdsFor(r),
    cooling: r.unit_type === 'cooling' ? coolingRule(r.jurisdiction) : null,
    alertContext: {
      orgSlug: r.org_slug,
      siteName: r.site_name,
      unitName: r.unit_name,
      unitType: r.unit_type,
      sensorExternalId: r.external_id,
      unitId: r.unit_id,
    },
    evaluatedUntil: r.last_seen_at,
  };
}

/** findSensorsById loads sensors for background jobs (offline sweep, re-sends). */
export async function findSensorsById(client: PoolClient, ids: string[]): Promise<Map<string, SensorInfo>> {
  const { rows } = await client.query<SensorRow>(`${SENSOR_SELECT} WHERE s.id = ANY($1::uuid[])`, [ids]);
  return new Map(rows.map((r) => [r.id, toInfo(r)]));
}

/** lockSensors takes the same per-sensor row locks for background jobs (offline sweep). */
export async function lockSensors(client: PoolClient, sensorIds: string[]): Promise<void> {
  if (sensorIds.length === 0) return;
  await client.query('SELECT id FROM sensors WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE', [sensorIds]);
}

