import type { Pool } from 'pg';

export interface SeededOrganization {
  orgId: string;
  slug: string;
  siteId: string;
  unitId: string;
  sensorId: string;
  excursionId: string;
  closedExcursionId: string;
  actionId: string;
  /** Strings that appear only in this organization's data: another org must never see them. */
  markers: string[];
}

/**
 * seedOrganization writes one organization's inventory and records straight into the
 * database, the way ingest and the router would: readings every minute for two days, an open
 * and a closed excursion (each gets its corrective action from the trigger), and router
 * notifications labelled with the organization.
 */
export async function seedOrganization(pool: Pool, slug: string, now = new Date()): Promise<SeededOrganization> {
  const tag = slug.toUpperCase();
  const org = await pool.query<{ id: string }>(`INSERT INTO organizations (slug, name) VALUES ($1, $2) RETURNING id`, [slug, `${tag} Foods`]);
  const orgId = org.rows[0].id;
  const site = await pool.query<{ id: string }>(`INSERT INTO sites (org_id, name) VALUES ($1, $2) RETURNING id`, [orgId, `${tag}-SITE`]);
  const unit = await pool.query<{ id: string }>(`INSERT INTO units (org_id, site_id, name, unit_type) VALUES ($1, $2, $3, 'fridge') RETURNING id`, [orgId, site.rows[0].id, `${tag}-WALKIN`]);
  const sensor = await pool.query<{ id: string }>(`INSERT INTO sensors (org_id, unit_id, external_id, interval_seconds) VALUES ($1, $2, $3, 60) RETURNING id`, [orgId, unit.rows[0].id, `${tag}-PROBE-1`]);
  const [siteId, unitId, sensorId] = [site.rows[0].id, unit.rows[0].id, sensor.rows[0].id];
  await pool.query(
    `INSERT INTO readings (sensor_id, recorded_at, org_id, unit_id, temperature_c, door_open)
     SELECT $1, $4::timestamptz - g * interval '1 minute', $2, $3, 3 + sin(g / 30.0) * 2 + CASE WHEN g BETWEEN 100 AND 160 THEN 6 ELSE 0 END, g % 97 = 0
     FROM generate_series(0, 2879) g`,
    [sensorId, orgId, unitId, now],
  );
  const ex = await pool.query<{ id: string }>(
    `INSERT INTO excursions (org_id, unit_id, sensor_id, kind, direction, severity, state, breach_started_at, opened_at, limit_c, peak_c, peak_at)
     VALUES ($1, $2, $3, 'TemperatureExcursion', 'high', 'critical', 'open', $4::timestamptz - interval '160 minutes', $4::timestamptz - interval '130 minutes', 5, 11, $4::timestamptz - interval '120 minutes')
     RETURNING id`,
    [orgId, unitId, sensorId, now],
  );
  const closed = await pool.query<{ id: string }>(
    `INSERT INTO excursions (org_id, unit_id, sensor_id, kind, severity, state, breach_started_at, opened_at, closed_at)
     VALUES ($1, $2, $3, 'SensorOffline', 'warning', 'closed', $4::timestamptz - interval '1 day', $4::timestamptz - interval '1 day', $4::timestamptz - interval '20 hours')
     RETURNING id`,
    [orgId, unitId, sensorId, now],
  );
  const action = await pool.query<{ id: string }>('SELECT id FROM corrective_actions WHERE excursion_id = $1', [ex.rows[0].id]);
  await pool.query(
    `INSERT INTO router_notification_log (receiver, integration, group_key, firing_fingerprints, outcome, sent_at, payload)
     VALUES ('food-safety', 'webhook[0]', $1, '{abc}', 'success', $3::timestamptz - interval '2 hours',
             jsonb_build_object('version', '4', 'alerts', jsonb_build_array(jsonb_build_object('labels', jsonb_build_object('alertname', 'TemperatureExcursion', 'org', $2::text, 'sensor', $4::text)))))`,
    [`{}:{alertname="TemperatureExcursion", org="${slug}", group="${tag}-GROUP"}`, slug, now, `${tag}-PROBE-1`],
  );
  return {
    orgId,
    slug,
    siteId,
    unitId,
    sensorId,
    excursionId: ex.rows[0].id,
    closedExcursionId: closed.rows[0].id,
    actionId: action.rows[0].id,
    markers: [orgId, siteId, unitId, sensorId, ex.rows[0].id, closed.rows[0].id, action.rows[0].id, `${tag}-SITE`, `${tag}-WALKIN`, `${tag}-PROBE-1`, `${tag}-GROUP`, `${tag} Foods`],
  };
}

/** seedPlatformRecords adds backup runs, restore tests and certificate observations (not tenant data). */
export async function seedPlatformRecords(pool: Pool, now = new Date()): Promise<void> {
  await pool.query(
    `INSERT INTO backup_runs (kind, database_name, started_at, finished_at, result, size_bytes, sha256, error)
     VALUES ('backup', 'freshtrack', $1::timestamptz - interval '1 day', $1::timestamptz - interval '1 day' + interval '42 seconds', 'success', 123456, repeat('a', 64), NULL),
            ('restore_test', 'freshtrack', $1::timestamptz - interval '20 hours', $1::timestamptz - interval '20 hours' + interval '90 seconds', 'success', NULL, repeat('a', 64), NULL),
            ('backup', 'freshtrack', $1::timestamptz - interval '2 days', $1::timestamptz - interval '2 days' + interval '5 seconds', 'failure', NULL, NULL, 'pg_dump: connection refused')`,
    [now],
  );
  await pool.query(
    `INSERT INTO certificate_observations (target, observed_at, serial_number, subject, issuer, not_before, not_after, fingerprint_sha256, dns_names)
     VALUES ('api.freshtrack.test:443', $1::timestamptz - interval '10 days', '01', 'CN=api.freshtrack.test', 'CN=Test CA', $1::timestamptz - interval '80 days', $1::timestamptz + interval '10 days', 'ff01', '{api.freshtrack.test}'),
            ('api.freshtrack.test:443', $1::timestamptz - interval '1 hour', '02', 'CN=api.freshtrack.test', 'CN=Test CA', $1::timestamptz - interval '1 day', $1::timestamptz + interval '89 days', 'ff02', '{api.freshtrack.test}')`,
    [now],
  );
}
