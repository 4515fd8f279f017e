/**
 * bench/control-plane-reads.ts — the control plane's hot reads on a database seeded with
 * 10 million readings; figures printed, never asserted.
 *
 *   npm run build && node dist/bench/control-plane-reads.js
 *   (env: BENCH_ADMIN_URL, default postgres://postgres@127.0.0.1:5432/postgres;
 *         BENCH_READINGS=10000000 BENCH_SECONDS=15 BENCH_CONNECTIONS=10
 *         BENCH_KEEP=1 keeps the scratch database, and a later run reuses it without reseeding)
 *
 * Seeding: 100 sensors (50 units) reporting every minute, generated in SQL with
 * generate_series (INSERT … SELECT, 1 million rows per statement), then ANALYZE.
 * Reads (autocannon, the control plane in this process on its own pool):
 *   1. GET /v1/units/:id/readings, 24 h  (downsampled to 5-minute buckets)
 *   2. GET /v1/units/:id/readings, 30 days (downsampled to 1-hour buckets)
 *   3. GET /v1/sensors/:id/readings, 1 h (raw readings)
 *   4. GET /v1/alerts (live excursions with their last acknowledgement)
 * Each request picks a unit or sensor at random so the cache is not one hot page.
 */
import autocannon from 'autocannon';
import { Client } from 'pg';
import { migrate } from '../platform/db/migrate';
import { createPool } from '../platform/db/pool';
import { createRootLogger } from '../platform/logging/logger';
import { createMetricsRegistry } from '../platform/metrics/registry';
import { ShutdownManager } from '../platform/lifecycle/shutdown';
import { ensureSigningKey, mintToken } from '../control-plane/src/auth/local-issuer';
import { LOCAL_AUDIENCE, LOCAL_ISSUER } from '../control-plane/src/config/control-plane-config';
import { startControlPlane } from '../control-plane/src/control-plane-role';

const ADMIN = process.env.BENCH_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const READINGS = Number(process.env.BENCH_READINGS ?? 10_000_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const KEEP = process.env.BENCH_KEEP === '1';
const SENSORS = 100;
const DB = `freshtrack_bench_cp_${READINGS}`;

function dbUrl(name: string): string {
  const u = new URL(ADMIN);
  u.pathname = `/${name}`;
  return u.toString();
}

async function admin<T>(fn: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: ADMIN });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

async function seed(url: string): Promise<{ orgId: string; now: Date }> {
  const pool = createPool(url, { max: 2 });
  try {
    await migrate(pool);
    const existing = await pool.query<{ id: string; n: string }>(`SELECT o.id, (SELECT count(*) FROM readings)::text AS n FROM organizations o WHERE slug = 'bench'`);
    const perSensor = Math.ceil(READINGS / SENSORS);
    const now = new Date(Math.floor(Date.now() / 60_000) * 60_000);
    if (existing.rows[0] && Number(existing.rows[0].n) >= READINGS) {
      console.log(`reusing ${DB}: ${Number(existing.rows[0].n).toLocaleString()} readings`);
      const last = await pool.query<{ t: Date }>('SELECT max(recorded_at) AS t FROM readings');
      return { orgId: existing.rows[0].id, now: last.rows[0].t };
    }
    const org = await pool.query<{ id: string }>(`INSERT INTO organizations (slug, name) VALUES ('bench', 'Bench Foods') RETURNING id`);
    const orgId = org.rows[0].id;
    await pool.query(
      `WITH s AS (INSERT INTO sites (org_id, name) SELECT $1, 'site ' || g FROM generate_series(1, 10) g RETURNING id, name),
            u AS (INSERT INTO units (org_id, site_id, name, unit_type) SELECT $1, s.id, s.name || ' unit ' || g, 'fridge' FROM s, generate_series(1, 5) g RETURNING id)
       INSERT INTO sensors (org_id, unit_id, external_id, interval_seconds) SELECT $1, u.id, 'bench-' || u.id || '-' || g, 60 FROM u, generate_series(1, 2) g`,
      [orgId],
    );
    const sensors = (await pool.query<{ id: string; unit_id: string }>('SELECT id, unit_id FROM sensors ORDER BY id')).rows;
    const oldest = new Date(now.getTime() - perSensor * 60_000);
    await pool.query('SELECT ensure_reading_partitions($1, $2)', [oldest, now]);
    const started = Date.now();
    for (let i = 0; i < sensors.length; i += 10) {
      const chunk = sensors.slice(i, i + 10);
      await pool.query(
        `INSERT INTO readings (sensor_id, recorded_at, org_id, unit_id, temperature_c, received_at)
         SELECT s.id, $3::timestamptz - g * interval '1 minute', $1, s.unit_id, 3 + 2 * sin(g / 90.0) + random(), $3::timestamptz - g * interval '1 minute'
         FROM unnest($2::uuid[], $5::uuid[]) AS s(id, unit_id), generate_series(0, $4 - 1) g`,
        [orgId, chunk.map((s) => s.id), now, perSensor, chunk.map((s) => s.unit_id)],
      );
      process.stdout.write(`  seeded ${((i + chunk.length) * perSensor).toLocaleString()} readings (${Math.round((Date.now() - started) / 1000)} s)\n`);
    }
    await pool.query(
      `INSERT INTO excursions (org_id, unit_id, sensor_id, kind, direction, severity, state, breach_started_at, opened_at, closed_at, limit_c, peak_c)
       SELECT $1, s.unit_id, s.id, 'TemperatureExcursion', 'high', CASE WHEN g % 3 = 0 THEN 'critical' ELSE 'warning' END,
              CASE WHEN g <= 20 THEN 'open' ELSE 'closed' END, $2::timestamptz - g * interval '3 hours', $2::timestamptz - g * interval '3 hours',
              CASE WHEN g <= 20 THEN NULL ELSE $2::timestamptz - g * interval '3 hours' + interval '1 hour' END, 5, 9
       FROM generate_series(1, 200) g JOIN LATERAL (SELECT id, unit_id FROM sensors ORDER BY id OFFSET (g % 100) LIMIT 1) s ON true`,
      [orgId, now],
    );
    await pool.query('ANALYZE');
    console.log(`seeded ${(sensors.length * perSensor).toLocaleString()} readings in ${Math.round((Date.now() - started) / 1000)} s`);
    return { orgId, now };
  } finally {
    await pool.end();
  }
}

async function run(name: string, base: string, token: string, paths: string[]): Promise<void> {
  let i = 0;
  const result = await autocannon({
    url: base,
    connections: CONNECTIONS,
    duration: SECONDS,
    headers: { authorization: `Bearer ${token}` },
    requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: paths[i++ % paths.length] }) }],
  });
  const non2xx = result.non2xx + result.errors;
  console.log(`${name.padEnd(34)} ${result.requests.average.toFixed(0).padStart(6)} req/s   p50 ${String(result.latency.p50).padStart(5)} ms   p99 ${String(result.latency.p99).padStart(5)} ms   ${non2xx ? `(${non2xx} errors/non-2xx!)` : ''}`);
}

async function main(): Promise<void> {
  const exists = await admin((c) => c.query('SELECT 1 FROM pg_database WHERE datname = $1', [DB]));
  if (!exists.rowCount) await admin((c) => c.query(`CREATE DATABASE ${DB}`));
  const url = dbUrl(DB);
  const { orgId, now } = await seed(url);

  const logger = createRootLogger({ level: 'warn', service: 'bench' });
  const shutdown = new ShutdownManager(logger);
  const pool = createPool(url, { max: 10 });
  const role = await startControlPlane(
    { pool, embeddedDatabase: false, logger, registry: createMetricsRegistry(), shutdown, env: { CONTROL_PLANE_AUTH_FAILURE_LIMIT: '1000000', CONTROL_PLANE_OUTBOX_RELAY: 'false' } },
    { host: '127.0.0.1', port: 0 },
  );
  const key = await ensureSigningKey(pool);
  const token = await mintToken(key, { issuer: LOCAL_ISSUER, audience: LOCAL_AUDIENCE, subject: 'bench', orgId, role: 'auditor', ttlSeconds: 3600, claims: { org: 'org', role: 'role', name: 'name' } });
  const units = (await pool.query<{ id: string }>('SELECT id FROM units ORDER BY random()')).rows.map((r) => r.id);
  const sensors = (await pool.query<{ id: string }>('SELECT id FROM sensors ORDER BY random()')).rows.map((r) => r.id);
  const iso = (ms: number) => new Date(now.getTime() - ms).toISOString();
  const total = (await pool.query<{ n: string }>('SELECT count(*)::text AS n FROM readings')).rows[0].n;
  console.log(`\ncontrol plane ${role.url}; ${Number(total).toLocaleString()} readings; ${CONNECTIONS} connections, ${SECONDS} s per endpoint`);
  await run('unit readings, 24 h (5-min buckets)', role.url, token, units.map((u) => `/v1/units/${u}/readings?from=${iso(86400_000)}&to=${iso(0)}&maxPoints=300`));
  await run('unit readings, 30 d (1-h buckets)', role.url, token, units.map((u) => `/v1/units/${u}/readings?from=${iso(30 * 86400_000)}&to=${iso(0)}&maxPoints=1000`));
  await run('sensor readings, 1 h (raw)', role.url, token, sensors.map((s) => `/v1/sensors/${s}/readings?from=${iso(3600_000)}&to=${iso(0)}`));
  await run('alerts list', role.url, token, ['/v1/alerts']);
  await shutdown.shutdown();
  await pool.end();
  if (!KEEP) await admin((c) => c.query(`DROP DATABASE ${DB} WITH (FORCE)`));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
