import { query, queryOne, type Queryable } from './queryable';

const ORG = `id, slug, name, jurisdiction, timezone, idp_org_id AS "idpOrgId", created_at AS "createdAt"`;
const SITE = `id, name, jurisdiction, timezone, created_at AS "createdAt"`;
const UNIT = `id, site_id AS "siteId", name, unit_type AS "unitType", created_at AS "createdAt"`;
const SENSOR = `id, unit_id AS "unitId", external_id AS "externalId", name, interval_seconds AS "intervalSeconds",
  last_seen_at AS "lastSeenAt", last_battery_pct AS "lastBatteryPct", created_at AS "createdAt"`;
const THRESHOLD = `unit_id AS "unitId", min_warning_c AS "minWarningC", min_critical_c AS "minCriticalC",
  max_warning_c AS "maxWarningC", max_critical_c AS "maxCriticalC", delay_seconds AS "delaySeconds",
  hysteresis_c AS "hysteresisC", suppression_windows AS "suppressionWindows", updated_at AS "updatedAt"`;

type Row = Record<string, unknown>;

export interface ThresholdInput {
  minWarningC: number | null;
  minCriticalC: number | null;
  maxWarningC: number | null;
  maxCriticalC: number | null;
  delaySeconds: number;
  hysteresisC: number;
  suppressionWindows: unknown[];
}

/**
 * InventoryStore: organization, sites, units, sensors and thresholds of ONE organization.
 * Every statement filters by the org id the store was built with; the composite foreign
 * keys (org_id, site_id)/(org_id, unit_id) refuse a parent from another organization.
 */
export class InventoryStore {
  constructor(
    private readonly db: Queryable,
    private readonly orgId: string,
  ) {}

  organization(): Promise<Row> {
    return queryOne(this.db, `SELECT ${ORG} FROM organizations WHERE id = $1`, [this.orgId], 'organization');
  }

  updateOrganization(patch: { name?: string; jurisdiction?: string; timezone?: string; idpOrgId?: string }): Promise<Row> {
    return queryOne(
      this.db,
      `UPDATE organizations SET name = COALESCE($2, name), jurisdiction = COALESCE($3, jurisdiction), timezone = COALESCE($4, timezone),
         idp_org_id = COALESCE($5, idp_org_id)
       WHERE id = $1 RETURNING ${ORG}`,
      [this.orgId, patch.name, patch.jurisdiction, patch.timezone, patch.idpOrgId],
      'organization',
    );
  }

  listSites(): Promise<Row[]> {
    return query(this.db, `SELECT ${SITE} FROM sites WHERE org_id = $1 ORDER BY name`, [this.orgId]);
  }

  getSite(id: string): Promise<Row> {
    return queryOne(this.db, `SELECT ${SITE} FROM sites WHERE org_id = $1 AND id = $2`, [this.orgId, id], 'site');
  }

  createSite(s: { name: string; jurisdiction?: string; timezone?: string }): Promise<Row> {
    return queryOne(this.db, `INSERT INTO sites (org_id, name, jurisdiction, timezone) VALUES ($1, $2, $3, $4) RETURNING ${SITE}`, [this.orgId, s.name, s.jurisdiction ?? null, s.timezone ?? null], 'site');
  }

  updateSite(id: string, s: { name?: string; jurisdiction?: string; timezone?: string }): Promise<Row> {
    return queryOne(
      this.db,
      `UPDATE sites SET name = COALESCE($3, name), jurisdiction = COALESCE($4, jurisdiction), timezone = COALESCE($5, timezone)
       WHERE org_id = $1 AND id = $2 RETURNING ${SITE}`,
      [this.orgId, id, s.name, s.jurisdiction, s.timezone],
      'site',
    );
  }

  deleteSite(id: string): Promise<Row> {
    return queryOne(this.db, `DELETE FROM sites WHERE org_id = $1 AND id = $2 RETURNING ${SITE}`, [this.orgId, id], 'site');
  }

  listUnits(siteId?: string): Promise<Row[]> {
    return query(this.db, `SELECT ${UNIT} FROM units WHERE org_id = $1 AND ($2::uuid IS NULL OR site_id = $2) ORDER BY name`, [this.orgId, siteId ?? null]);
  }

  getUnit(id: string): Promise<Row> {
    return queryOne(this.db, `SELECT ${UNIT} FROM units WHERE org_id = $1 AND id = $2`, [this.orgId, id], 'unit');
  }

  createUnit(u: { siteId: string; name: string; unitType: string }): Promise<Row> {
    return queryOne(this.db, `INSERT INTO units (org_id, site_id, name, unit_type) VALUES ($1, $2, $3, $4) RETURNING ${UNIT}`, [this.orgId, u.siteId, u.name, u.unitType], 'unit', {
      units_org_id_site_id_fkey: 'siteId',
    });
  }

  updateUnit(id: string, u: { name?: string; unitType?: string }): Promise<Row> {
    return queryOne(this.db, `UPDATE units SET name = COALESCE($3, name), unit_type = COALESCE($4, unit_type) WHERE org_id = $1 AND id = $2 RETURNING ${UNIT}`, [this.orgId, id, u.name, u.unitType], 'unit');
  }

  deleteUnit(id: string): Promise<Row> {
    return queryOne(this.db, `DELETE FROM units WHERE org_id = $1 AND id = $2 RETURNING ${UNIT}`, [this.orgId, id], 'unit');
  }

  listSensors(unitId?: string): Promise<Row[]> {
    return query(this.db, `SELECT ${SENSOR} FROM sensors WHERE org_id = $1 AND ($2::uuid IS NULL OR unit_id = $2) ORDER BY external_id`, [this.orgId, unitId ?? null]);
  }

  getSensor(id: string): Promise<Row> {
    return queryOne(this.db, `SELECT ${SENSOR} FROM sensors WHERE org_id = $1 AND id = $2`, [this.orgId, id], 'sensor');
  }

  createSensor(s: { unitId: string; externalId: string; name?: string; intervalSeconds?: number }): Promise<Row> {
    return queryOne(
      this.db,
      `INSERT INTO sensors (org_id, unit_id, external_id, name, interval_seconds) VALUES ($1, $2, $3, $4, COALESCE($5, 300)) RETURNING ${SENSOR}`,
      [this.orgId, s.unitId, s.externalId, s.name ?? null, s.intervalSeconds ?? null],
      'sensor',
      { sensors_org_id_unit_id_fkey: 'unitId' },
    );
  }

  updateSensor(id: string, s: { name?: string; intervalSeconds?: number; unitId?: string }): Promise<Row> {
    return queryOne(
      this.db,
      `UPDATE sensors SET name = COALESCE($3, name), interval_seconds = COALESCE($4, interval_seconds), unit_id = COALESCE($5, unit_id)
       WHERE org_id = $1 AND id = $2 RETURNING ${SENSOR}`,
      [this.orgId, id, s.name, s.intervalSeconds, s.unitId],
      'sensor',
      { sensors_org_id_unit_id_fkey: 'unitId' },
    );
  }

  deleteSensor(id: string): Promise<Row> {
    return queryOne(this.db, `DELETE FROM sensors WHERE org_id = $1 AND id = $2 RETURNING ${SENSOR}`, [this.orgId, id], 'sensor');
  }

  /** The unit's explicit thresholds, or undefined when it still runs on its defaults. */
  async getThresholds(unitId: string): Promise<Row | undefined> {
    const rows = await query(this.db, `SELECT ${THRESHOLD} FROM thresholds WHERE org_id = $1 AND unit_id = $2`, [this.orgId, unitId]);
    return rows[0];
  }

  putThresholds(unitId: string, t: ThresholdInput): Promise<Row> {
    // The SELECT from units makes a unit of another organization insert nothing (404).
    return queryOne(
      this.db,
      `INSERT INTO thresholds (unit_id, org_id, min_warning_c, min_critical_c, max_warning_c, max_critical_c, delay_seconds, hysteresis_c, suppression_windows, updated_at)
       SELECT u.id, u.org_id, $3, $4, $5, $6, $7, $8, $9, now() FROM units u WHERE u.org_id = $1 AND u.id = $2
       ON CONFLICT (unit_id) DO UPDATE SET min_warning_c = EXCLUDED.min_warning_c, min_critical_c = EXCLUDED.min_critical_c,
         max_warning_c = EXCLUDED.max_warning_c, max_critical_c = EXCLUDED.max_critical_c, delay_seconds = EXCLUDED.delay_seconds,
         hysteresis_c = EXCLUDED.hysteresis_c, suppression_windows = EXCLUDED.suppression_windows, updated_at = now()
       RETURNING ${THRESHOLD}`,
      [this.orgId, unitId, t.minWarningC, t.minCriticalC, t.maxWarningC, t.maxCriticalC, t.delaySeconds, t.hysteresisC, JSON.stringify(t.suppressionWindows)],
      'unit',
    );
  }

  listMembers(): Promise<Row[]> {
    return query(this.db, `SELECT subject, role, granted_by AS "grantedBy", granted_at AS "grantedAt" FROM memberships WHERE org_id = $1 ORDER BY subject`, [this.orgId]);
  }

  async getMember(subject: string): Promise<Row | undefined> {
    const rows = await query(this.db, `SELECT subject, role, granted_by AS "grantedBy", granted_at AS "grantedAt" FROM memberships WHERE org_id = $1 AND subject = $2`, [this.orgId, subject]);
    return rows[0];
  }

  putMember(subject: string, role: string, by: string): Promise<Row> {
    return queryOne(
      this.db,
      `INSERT INTO memberships (org_id, subject, role, granted_by) VALUES ($1, $2, $3, $4)
       ON CONFLICT (org_id, subject) DO UPDATE SET role = EXCLUDED.role, granted_by = EXCLUDED.granted_by, granted_at = now()
       RETURNING subject, role, granted_by AS "grantedBy", granted_at AS "grantedAt"`,
      [this.orgId, subject, role, by],
      'membership',
    );
  }

  deleteMember(subject: string): Promise<Row> {
    return queryOne(this.db, `DELETE FROM memberships WHERE org_id = $1 AND subject = $2 RETURNING subject, role`, [this.orgId, subject], 'membership');
  }
}
