import { generateDeviceKey } from '../../platform/contracts/device-key';
import { withTransaction, type Pool } from '../../platform/db/pool';

export const DEMO_ORG_SLUG = 'demo';

/** The demo kitchen: one unit of each type, one sensor each. */
export const DEMO_SENSORS = [
  { unit: 'Walk-in fridge', type: 'fridge', sensor: 'demo-fridge-1' },
  { unit: 'Reach-in freezer', type: 'freezer', sensor: 'demo-freezer-1' },
  { unit: 'Hot line', type: 'hot-holding', sensor: 'demo-hot-1' },
  { unit: 'Blast chiller', type: 'cooling', sensor: 'demo-chiller-1' },
  { unit: 'Dry store', type: 'ambient', sensor: 'demo-ambient-1' },
] as const;

/** Demo sensors report every few seconds; SensorOffline fires after 3 × this. */
export const DEMO_INTERVAL_SECONDS = 15;

/**
 * seedDemo gives an EMPTY database a demo organization so the first minute shows the
 * product: a site with one unit of each type, a sensor on each, FDA Food Code thresholds
 * (the walk-in fridge with a 20-second delay so the simulator's drift becomes an excursion
 * quickly) and one device key, printed once. A database that already has an organization is
 * left alone. Returns the banner lines.
 */
export async function seedDemo(pool: Pool, ingestUrl: string): Promise<string[]> {
  const key = generateDeviceKey();
  const seeded = await withTransaction(pool, async (client) => {
    // Two processes starting together on one empty database: only one seeds.
    await client.query(`SELECT pg_advisory_xact_lock(hashtextextended('ftk-demo-seed', 0))`);
    const { rows } = await client.query('SELECT 1 FROM organizations LIMIT 1');
    if (rows.length) return false;
    const org = await client.query<{ id: string }>(
      `INSERT INTO organizations (slug, name, jurisdiction) VALUES ($1, 'FreshTrack Demo Kitchen', 'fda-2022') RETURNING id`,
      [DEMO_ORG_SLUG],
    );
    const orgId = org.rows[0].id;
    const site = await client.query<{ id: string }>(`INSERT INTO sites (org_id, name) VALUES ($1, 'Main Street Kitchen') RETURNING id`, [orgId]);
    for (const d of DEMO_SENSORS) {
      const unit = await client.query<{ id: string }>(
        `INSERT INTO units (org_id, site_id, name, unit_type) VALUES ($1, $2, $3, $4) RETURNING id`,
        [orgId, site.rows[0].id, d.unit, d.type],
      );
      await client.query(`INSERT INTO sensors (org_id, unit_id, external_id, name, interval_seconds) VALUES ($1, $2, $3, $4, $5)`, [
        orgId,
        unit.rows[0].id,
        d.sensor,
        `${d.unit} probe`,
        DEMO_INTERVAL_SECONDS,
      ]);
      if (d.type === 'fridge') {
        await client.query(
          `INSERT INTO thresholds (unit_id, org_id, max_warning_c, max_critical_c, delay_seconds, hysteresis_c)
           VALUES ($1, $2, 5, 10, 20, 0.5)`,
          [unit.rows[0].id, orgId],
        );
      }
    }
    await client.query(`INSERT INTO device_keys (org_id, name, prefix, key_hash, created_by) VALUES ($1, 'demo gateway', $2, $3, 'seed')`, [
      orgId,
      key.prefix,
      key.keyHash,
    ]);
    return true;
  });
  if (!seeded) return [];
  return [
    `Demo organization "${DEMO_ORG_SLUG}" seeded (${DEMO_SENSORS.length} units, FDA Food Code thresholds).`,
    `Device key (shown once): ${key.key}`,
    `Try: curl -X POST ${ingestUrl}/v1/readings -H 'Authorization: Bearer ${key.key}' \\`,
    `       -H 'Content-Type: application/json' \\`,
    `       -d '{"sensor_id":"demo-fridge-1","recorded_at":"'$(date -u +%Y-%m-%dT%H:%M:%SZ)'","temperature_c":4.2}'`,
  ];
}
