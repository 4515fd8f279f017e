import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres } from './embedded';
import { migrate } from './migrate';
import { sqlLiteral, withFoldedTransaction } from './folded-transaction';
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

  test('literals survive the round trip: quotes, backslashes, braces, commas, NULL and the string "NULL"', async () => {
    const texts = [`it's`, 'back\\slash', 'say "hi"', '{a,b}', 'NULL', null, 'ünï ☃', ''];
    const { rows } = await backend.pool.query(
      `SELECT ${sqlLiteral(texts)}::text[] AS texts, ${sqlLiteral([1.5, -0.25, null])}::float8[] AS numbers,
              ${sqlLiteral([true, false, null])}::boolean[] AS flags, ${sqlLiteral([new Date('2026-11-26T03:04:05.678Z')])}::timestamptz[] AS times,
              ${sqlLiteral("o'clock")} AS scalar, ${sqlLiteral(null)}::text AS nothing`,
    );
    expect(rows[0].texts).toEqual(texts);
    expect(rows[0].numbers).toEqual([1.5, -0.25, null]);
    expect(rows[0].flags).toEqual([true, false, null]);
    expect(rows[0].times.map((t: Date) => t.toISOString())).toEqual(['2026-11-26T03:04:05.678Z']);
    expect(rows[0].scalar).toBe("o'clock");
    expect(rows[0].nothing).toBeNull();
  });

  test('a folded transaction commits both ends together, and a failing last statement undoes the first', async () => {
    const { pool } = backend;
    await pool.query('CREATE TABLE folded (v text PRIMARY KEY)');
    const inserted = await withFoldedTransaction(pool, async (tx) => {
      const first = await tx.begin<{ v: string }>(`INSERT INTO folded VALUES (${sqlLiteral('a')}) RETURNING v`);
      await tx.client.query('INSERT INTO folded VALUES ($1)', ['b']);
      await tx.commit(`INSERT INTO folded VALUES (${sqlLiteral('c')})`);
      return first.rows.map((r) => r.v);
    });
    expect(inserted).toEqual(['a']);
    await expect(
      withFoldedTransaction(pool, async (tx) => {
        await tx.begin(`INSERT INTO folded VALUES (${sqlLiteral('d')})`);
        await tx.commit(`INSERT INTO folded VALUES (${sqlLiteral('a')})`); // duplicate key
      }),
    ).rejects.toMatchObject({ code: '23505' });
    const { rows } = await pool.query<{ v: string }>('SELECT v FROM folded ORDER BY v');
    expect(rows.map((r) => r.v)).toEqual(['a', 'b', 'c']);
  });
});
