/** Retention by partition drop (ingest's job) must not destroy readings under a legal hold. */
import { createTestDatabase, type TestDatabase } from '../../test/helpers/postgres';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});

async function seedOrg(slug: string): Promise<{ org: string; unit: string; sensor: string }> {
  const { rows } = await db.pool.query(`
    WITH o AS (INSERT INTO organizations (slug, name) VALUES ($1, $1) RETURNING id),
         s AS (INSERT INTO sites (org_id, name) SELECT id, 'Main' FROM o RETURNING id, org_id),
         u AS (INSERT INTO units (org_id, site_id, name, unit_type) SELECT org_id, id, 'Fridge', 'fridge' FROM s RETURNING id, org_id),
         x AS (INSERT INTO sensors (org_id, unit_id, external_id) SELECT org_id, id, 'p1' FROM u RETURNING id, org_id, unit_id)
    SELECT org_id AS org, unit_id AS unit, id AS sensor FROM x`, [slug]);
  return rows[0];
}

test('an expired partition keeps the held organization’s readings until the hold is released', async () => {
  await db.pool.query(`SELECT ensure_reading_partitions(now() - interval '40 months', now() - interval '40 months')`);
  const { rows } = await db.pool.query(`SELECT date_trunc('month', now() - interval '40 months') + interval '1 day' AS t`);
  const oldTime: Date = rows[0].t;
  const partition = `readings_${oldTime.toISOString().slice(0, 7).replace('-', '_')}`;
  const held = await seedOrg('held-org');
  const free = await seedOrg('free-org');
  for (const o of [held, free]) {
    await db.pool.query('INSERT INTO readings (sensor_id, recorded_at, org_id, unit_id, temperature_c) VALUES ($1, $2, $3, $4, 3)', [o.sensor, oldTime, o.org, o.unit]);
  }
  const hold = await db.pool.query(
    `INSERT INTO legal_holds (org_id, record_class, reason, placed_by) VALUES ($1, 'temperature-readings', 'inspection', 'auditor') RETURNING id`,
    [held.org],
  );
  const cutoff = `now() - interval '24 months'`;
  await db.pool.query(`SELECT drop_reading_partitions_before(${cutoff})`);
  expect((await db.pool.query('SELECT to_regclass($1) AS r', [partition])).rows[0].r).not.toBeNull();
  const left = await db.pool.query(`SELECT org_id FROM ${partition}`);
  expect(left.rows.map((r) => r.org_id)).toEqual([held.org]);

  await db.pool.query('UPDATE legal_holds SET released_at = now(), released_by = $2 WHERE id = $1', [hold.rows[0].id, 'auditor']);
  await db.pool.query(`SELECT drop_reading_partitions_before(${cutoff})`);
  expect((await db.pool.query('SELECT to_regclass($1) AS r', [partition])).rows[0].r).toBeNull();
});
