import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres } from './embedded';
import { migrate } from './migrate';
import { createPool, withTransaction, type Pool } from './pool';
import { createTestDatabase } from '../../test/helpers/postgres';

interface Backend {
  pool: Pool;
  close(): Promise<void>;
}

const backends: [string, () => Promise<Backend>][] = [
  [
    'embedded PGlite',
    async () => {
      const pg = await startEmbeddedPostgres({ dataDir: mkdtempSync(join(tmpdir(), 'ft-pglite-')), maxConnections: 8 });
      const pool = createPool(pg.url, { max: 4 });
      return { pool, close: async () => (await pool.end(), await pg.stop()) };
    },
  ],
  [
    'real PostgreSQL',
    async () => {
      const db = await createTestDatabase({ migrated: false });
      return { pool: db.pool, close: db.drop };
    },
  ],
];

describe.each(backends)('the same database code on %s', (_name, open) => {
  let backend: Backend;
  beforeAll(async () => {
    backend = await open();
    await migrate(backend.pool);
  });
  afterAll(async () => {
    await backend.close();
  });

  test('readings are stored once per (sensor, recorded_at), in their month partition', async () => {
    const { pool } = backend;
    const ids = await pool.query<{ org: string; site: string; unit: string; sensor: string }>(`
      WITH o AS (INSERT INTO organizations (slug, name) VALUES ('parity', 'Parity') RETURNING id),
           s AS (INSERT INTO sites (org_id, name) SELECT id, 'Main' FROM o RETURNING id, org_id),
           u AS (INSERT INTO units (org_id, site_id, name, unit_type) SELECT org_id, id, 'Walk-in', 'fridge' FROM s RETURNING id, org_id),
           x AS (INSERT INTO sensors (org_id, unit_id, external_id) SELECT org_id, id, 'probe-1' FROM u RETURNING id, org_id, unit_id)
      SELECT x.org_id AS org, s.id AS site, x.unit_id AS unit, x.id AS sensor FROM x, s`);
    const { org, unit, sensor } = ids.rows[0];
    const insert = `INSERT INTO readings (sensor_id, recorded_at, org_id, unit_id, temperature_c)
      SELECT $1, t, $2, $3, 4.0 FROM unnest($4::timestamptz[]) AS t ON CONFLICT DO NOTHING`;
    // The first instant of the current month, and one second before it (the previous month).
    const now = new Date();
    const monthStart = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
    const at = (ms: number) => new Date(ms).toISOString();
    const partition = (ms: number) => `readings_${at(ms).slice(0, 7).replace('-', '_')}`;
    const times = [at(monthStart + 36e5), at(monthStart + 39e5), at(monthStart - 1000)];
    const first = await pool.query(insert, [sensor, org, unit, times]);
    const retry = await pool.query(insert, [sensor, org, unit, [times[0], at(monthStart + 42e5)]]);
    expect(first.rowCount).toBe(3);
    expect(retry.rowCount).toBe(1);
    const parts = await pool.query<{ part: string; n: number }>(
      `SELECT tableoid::regclass::text AS part, count(*)::int AS n FROM readings GROUP BY 1 ORDER BY 1`,
    );
    expect(parts.rows).toEqual([
      { part: partition(monthStart - 1000), n: 1 },
      { part: partition(monthStart), n: 3 },
    ]);
  });

  test('transaction-scoped advisory locks serialise two transactions', async () => {
    const order: string[] = [];
    const worker = (name: string) =>
      withTransaction(backend.pool, async (client) => {
        await client.query('SELECT pg_advisory_xact_lock(42)');
        order.push(`${name}:in`);
        await client.query('SELECT pg_sleep(0.05)');
        order.push(`${name}:out`);
      });
    await Promise.all([worker('a'), worker('b')]);
    expect([['a:in', 'a:out', 'b:in', 'b:out'], ['b:in', 'b:out', 'a:in', 'a:out']]).toContainEqual(order);
  });

  test('the audit log refuses updates and deletes', async () => {
    await backend.pool.query(
      `INSERT INTO audit_log (actor, action, entity_type, prev_hash, hash) VALUES ('t', 'create', 'x', '', 'h')`,
    );
    await expect(backend.pool.query(`UPDATE audit_log SET actor = 'mallory'`)).rejects.toThrow(/append-only/);
    await expect(backend.pool.query(`DELETE FROM audit_log`)).rejects.toThrow(/append-only/);
  });
});
