/**
 * bench/ingest.ts — ingest throughput against the real PostgreSQL, printed, never asserted.
 *
 *   npm run build && node dist/bench/ingest.js
 *   (env: BENCH_ADMIN_URL, default postgres://postgres@127.0.0.1:5432/postgres;
 *         BENCH_BATCHES=600 BENCH_CONCURRENCY=4,16 BENCH_SENSORS_PER_GATEWAY=25 BENCH_RATE=500 BENCH_SECONDS=10
 *         BENCH_REPLICAS=1: ingest processes; requests go to them in turn, as behind a load balancer)
 *
 * 1. Batches of 1,000 readings over HTTP to `freshtrack ingest` (the production build, its
 *    own process): readings/s and p50/p99 request latency, once for each number of gateways
 *    posting at the same time (BENCH_CONCURRENCY, a list), each covering its own
 *    BENCH_SENSORS_PER_GATEWAY sensors, so every level sends batches of the same make-up. A
 *    closed loop of 4 gateways leaves the two cores a quarter idle; a fleet posts from many
 *    more at once, and only at saturation is a rate a server's throughput. Each level is also
 *    compared with binary COPYs of its own rows taken just before and just after it.
 * 2. The raw COPY rate of the same rows into the same (emptied) table on the same database, in
 *    text and in binary format; the faster is the physical limit ingest is compared with.
 * 3. Ingest's two write paths alone, one transaction per 1,000 rows: INSERT … SELECT FROM
 *    unnest(…) ON CONFLICT DO NOTHING (small batches, re-sent batches) and binary COPY (big batches).
 * 4. Single-reading requests at a constant 500 requests/s, open loop: p50/p99 latency.
 * 5. Late readings that make ingest replay history (ADR 0069): BENCH_LATE_SENSORS sensors hold
 *    a week of readings, one a minute; one request at a time sends a breaching reading from
 *    1–6 days back, each replaying its sensor's readings from there to now, against on-time
 *    readings sent the same way: latency and CPU per request of each.
 *
 * For 1, 2 and 4 it also prints the CPU time each party spent per unit of work (ingest
 * processes, PostgreSQL backends, the load generator): unlike the rates, those figures hold
 * still on a busy machine.
 */
import { randomBytes } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { Agent, request as httpRequest } from 'node:http';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { generateDeviceKey } from '../platform/contracts/device-key';
import { migrate } from '../platform/db/migrate';
import { BinaryCopyWriter } from '../platform/db/binary-copy';
import { createPool, type Pool, type PoolClient } from '../platform/db/pool';
import { PROJECT_ROOT } from '../platform/paths';
import { freePort } from '../test/helpers/processes';
import { measureCpu, type CpuSpent } from './cpu-accounting';
import { openLoop, type OpenLoopResult } from './open-loop-http';

const ADMIN = process.env.BENCH_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const BATCHES = Number(process.env.BENCH_BATCHES ?? 600);
const BATCH = 1000;
const CONCURRENCY_LEVELS = (process.env.BENCH_CONCURRENCY ?? '4,16').split(',').map(Number);
const SENSORS_PER_GATEWAY = Number(process.env.BENCH_SENSORS_PER_GATEWAY ?? 25);
const RATE = Number(process.env.BENCH_RATE ?? 500);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const REPLICAS = Number(process.env.BENCH_REPLICAS ?? 1);
const LATE_SENSORS = Number(process.env.BENCH_LATE_SENSORS ?? 20);
const LATE_REQUESTS = Number(process.env.BENCH_LATE_REQUESTS ?? 200);
const DAY_MS = 86_400_000;
const SENSORS = SENSORS_PER_GATEWAY * Math.max(...CONCURRENCY_LEVELS);

interface Row {
  sensorId: string;
  ext: string;
  recordedAt: string;
  temp: number;
}

async function admin(sql: string): Promise<void> {
  const c = new Client({ connectionString: ADMIN });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

function dbUrl(name: string): string {
  const u = new URL(ADMIN);
  u.pathname = `/${name}`;
  return u.toString();
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function seed(pool: Pool): Promise<{ key: string; orgId: string; unitId: string; sensors: { id: string; ext: string }[] }> {
  const org = await pool.query<{ id: string }>(`INSERT INTO organizations (slug, name) VALUES ('bench', 'Bench') RETURNING id`);
  const orgId = org.rows[0].id;
  const site = await pool.query<{ id: string }>(`INSERT INTO sites (org_id, name) VALUES ($1, 'Bench site') RETURNING id`, [orgId]);
  const unit = await pool.query<{ id: string }>(`INSERT INTO units (org_id, site_id, name, unit_type) VALUES ($1, $2, 'Fridge', 'fridge') RETURNING id`, [
    orgId,
    site.rows[0].id,
  ]);
  const sensors = await pool.query<{ id: string; external_id: string }>(
    `INSERT INTO sensors (org_id, unit_id, external_id) SELECT $1, $2, 'bench-' || g FROM generate_series(1, $3) g RETURNING id, external_id`,
    [orgId, unit.rows[0].id, SENSORS],
  );
  const key = generateDeviceKey();
  await pool.query(`INSERT INTO device_keys (org_id, name, prefix, key_hash) VALUES ($1, 'bench', $2, $3)`, [orgId, key.prefix, key.keyHash]);
  return { key: key.key, orgId, unitId: unit.rows[0].id, sensors: sensors.rows.map((s) => ({ id: s.id, ext: s.external_id })) };
}

/**
 * makeRows builds `batches` batches the way `gateways` gateways send them: each (one per
 * concurrent request stream) covers its own share of the sensors, every sensor reports once
 * a second from startMs, so identities never collide.
 */
function makeRows(sensors: { id: string; ext: string }[], batches: number, gateways: number, startMs: number): Row[] {
  const groups = Array.from({ length: gateways }, (_, g) => sensors.filter((_, i) => i % gateways === g));
  const rounds = new Array(gateways).fill(0);
  const rows: Row[] = [];
  for (let b = 0; b < batches; b++) {
    const g = b % gateways;
    const group = groups[g];
    for (let i = 0; i < BATCH; i++) {
      const s = group[i % group.length];
      const second = rounds[g] + Math.floor(i / group.length);
      rows.push({ sensorId: s.id, ext: s.ext, recordedAt: new Date(startMs + second * 1000).toISOString(), temp: 3 + (i % 10) / 10 });
    }
    rounds[g] += Math.ceil(BATCH / group.length);
  }
  return rows;
}

interface Batch {
  body: string;
  size: number;
}

/** requestBodies serialises the batches before anything is timed. */
function requestBodies(rows: Row[]): Batch[] {
  const batches: Batch[] = [];
  for (let i = 0; i < rows.length; i += BATCH) {
    const batch = rows.slice(i, i + BATCH);
    batches.push({
      body: JSON.stringify({ readings: batch.map((r) => ({ sensor_id: r.ext, recorded_at: r.recordedAt, temperature_c: r.temp })) }),
      size: batch.length,
    });
  }
  return batches;
}

/** httpBatches posts the batches over `streams` concurrent request streams. */
async function httpBatches(urls: string[], key: string, batches: Batch[], streams: number): Promise<{ seconds: number; latencies: number[] }> {
  // node:http rather than fetch: undici's fetch spent ~4 ms of CPU per batch on this machine,
  // CPU the load generator takes from the two cores the server and PostgreSQL share.
  const agent = new Agent({ keepAlive: true, maxSockets: streams });
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: streams }, async () => {
      while (next < batches.length) {
        const url = urls[next % urls.length];
        const batch = batches[next++];
        const t = performance.now();
        const res = await post(agent, `${url}/v1/readings`, key, batch.body);
        latencies.push(performance.now() - t);
        const json = JSON.parse(res.body) as { accepted?: number };
        if (res.status !== 200 || json.accepted !== batch.size) throw new Error(`batch refused: ${res.status} ${res.body.slice(0, 200)}`);
      }
    }),
  );
  agent.destroy();
  return { seconds: (performance.now() - started) / 1000, latencies: latencies.sort((a, b) => a - b) };
}

function post(agent: Agent, url: string, key: string, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const COPY_COLUMNS = 'readings (sensor_id, recorded_at, org_id, unit_id, temperature_c)';

type CopyFormat = 'text' | 'binary';

/** copyBody: the rows as the body of a COPY in either format (ingest's bulk path is binary). */
function copyBody(rows: Row[], orgId: string, unitId: string, format: CopyFormat): string | Buffer {
  if (format === 'text') return rows.map((r) => `${r.sensorId}\t${r.recordedAt}\t${orgId}\t${unitId}\t${r.temp}\n`).join('');
  const body = new BinaryCopyWriter(rows.length);
  for (const r of rows) body.row(5).uuid(r.sensorId).timestamptz(new Date(r.recordedAt)).uuid(orgId).uuid(unitId).float8(r.temp);
  return body.finish();
}

function copyStatement(format: CopyFormat): string {
  return `COPY ${COPY_COLUMNS} FROM STDIN${format === 'binary' ? ' WITH (FORMAT binary)' : ''}`;
}

/** rawCopy: one COPY of every row; its body is built before the clock starts. */
async function rawCopy(pool: Pool, rows: Row[], orgId: string, unitId: string, format: CopyFormat): Promise<number> {
  const client = await pool.connect();
  try {
    const body = copyBody(rows, orgId, unitId, format);
    const started = performance.now();
    await pipeline(Readable.from([body]), client.query(copyFrom(copyStatement(format))));
    return (performance.now() - started) / 1000;
  } finally {
    client.release();
  }
}

/**
 * emptyCopy: the seconds one binary COPY of `rows` takes into the emptied table, left empty
 * again. Each batch level is bracketed by two, because the shared machine's speed drifts by
 * tens of percent within minutes, and a level is better compared with COPYs taken seconds
 * from it than with one taken minutes later (two COPYs seconds apart can still differ by a
 * quarter: both are printed).
 */
async function emptyCopy(pool: Pool, rows: Row[], orgId: string, unitId: string): Promise<number> {
  await pool.query('TRUNCATE readings');
  const seconds = await rawCopy(pool, rows, orgId, unitId, 'binary');
  await pool.query('TRUNCATE readings');
  return seconds;
}

/**
 * lateReplays: LATE_SENSORS sensors get a week of history by COPY (one reading a minute, in
 * range), then one request at a time posts LATE_REQUESTS on-time readings, then as many late
 * breaching ones (each 1–6 days back, 30 s off the minute so it is new), round the sensors.
 */
async function lateReplays(pool: Pool, url: string, key: string, orgId: string, unitId: string, sensors: { id: string; ext: string }[], name: string, parties: Record<string, number[]>) {
  const chosen = sensors.slice(0, LATE_SENSORS);
  const minute = 60_000;
  const newest = Math.floor(Date.now() / minute) * minute - 10 * minute;
  const history: Row[] = [];
  for (const s of chosen) for (let m = 7 * 24 * 60; m >= 0; m--) history.push({ sensorId: s.id, ext: s.ext, recordedAt: new Date(newest - m * minute).toISOString(), temp: 3.5 });
  const client = await pool.connect();
  try {
    await pipeline(Readable.from([copyBody(history, orgId, unitId, 'binary')]), client.query(copyFrom(copyStatement('binary'))));
  } finally {
    client.release();
  }
  await pool.query('UPDATE sensors SET last_seen_at = $2 WHERE id = ANY($1::uuid[])', [chosen.map((s) => s.id), new Date(newest)]);
  await pool.query('ANALYZE readings');
  const body = (i: number, recordedAt: number, temperature: number) =>
    JSON.stringify({ sensor_id: chosen[i % chosen.length].ext, recorded_at: new Date(recordedAt).toISOString(), temperature_c: temperature });
  const onTime = Array.from({ length: LATE_REQUESTS }, (_, i) => body(i, newest + minute + i * 100, 3.5));
  const late = Array.from({ length: LATE_REQUESTS }, (_, i) => body(i, newest - (1 + ((i * 5) / LATE_REQUESTS)) * 86_400_000 - 30_000 + i, 9));
  const sequentially = async (bodies: string[]) => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const latencies: number[] = [];
    for (const b of bodies) {
      const t = performance.now();
      const res = await post(agent, `${url}/v1/readings`, key, b);
      latencies.push(performance.now() - t);
      if (res.status !== 200 || !res.body.includes('"accepted":1')) throw new Error(`reading refused: ${res.status} ${res.body.slice(0, 200)}`);
    }
    agent.destroy();
    return latencies.sort((a, b) => a - b);
  };
  const replaysBefore = await counter(url, 'freshtrack_ingest_late_replays_total');
  const inOrder = await measureCpu(pool, name, parties, () => sequentially(onTime));
  const replayed = await measureCpu(pool, name, parties, () => sequentially(late));
  const replays = (await counter(url, 'freshtrack_ingest_late_replays_total')) - replaysBefore;
  return { inOrder, replayed, replays, historyPerSensor: history.length / chosen.length };
}

/** counter reads a counter from a process's /metrics (every series carries a service label). */
async function counter(url: string, metric: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${metric}{`) || l.startsWith(`${metric} `));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

async function inTx<T>(client: PoolClient, fn: () => Promise<T>): Promise<T> {
  await client.query('BEGIN');
  const r = await fn();
  await client.query('COMMIT');
  return r;
}

/** writePath: ingest's write statement for `path` alone, one transaction per BATCH rows; seconds taken. */
async function writePath(pool: Pool, rows: Row[], orgId: string, unitId: string, path: 'unnest' | 'copy'): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query('TRUNCATE readings');
    const started = performance.now();
    for (let i = 0; i < rows.length; i += BATCH) {
      const b = rows.slice(i, i + BATCH);
      await inTx<unknown>(client, () =>
        path === 'unnest'
          ? client.query(
              `INSERT INTO readings (sensor_id, recorded_at, org_id, unit_id, temperature_c)
               SELECT * FROM unnest($1::uuid[], $2::timestamptz[], $3::uuid[], $4::uuid[], $5::float8[])
               ON CONFLICT (sensor_id, recorded_at) DO NOTHING RETURNING sensor_id, recorded_at`,
              [b.map((r) => r.sensorId), b.map((r) => r.recordedAt), b.map(() => orgId), b.map(() => unitId), b.map((r) => r.temp)],
            )
          : pipeline(Readable.from([copyBody(b, orgId, unitId, 'binary')]), client.query(copyFrom(copyStatement('binary')))),
      );
    }
    return (performance.now() - started) / 1000;
  } finally {
    client.release();
  }
}

/**
 * singleReadings sends one reading per request at a constant RATE requests/s for SECONDS, open
 * loop (wrk2-style, bench/open-loop-http.ts): request i is due at start + i / RATE whatever the
 * answers to earlier ones, over as many keep-alive connections as are needed, and its latency
 * is measured from when it was due, so a client that falls behind counts against the server,
 * not in its favour. (autocannon's overallRate is not used: each connection sends its
 * per-second quota back to back at the top of every second, so it measures bursts of 20
 * concurrent requests, and its coordinated-omission correction assumes a 1 ms interval.) With
 * several replicas requests go to them in turn.
 */
async function singleReadings(ports: number[], key: string, sensors: { ext: string }[]) {
  const start = Date.now() - 3_600_000;
  const total = RATE * SECONDS;
  // Every request's bytes are built before the clock starts.
  const requests = ports.map((port, replica) =>
    Array.from({ length: Math.floor(total / ports.length) }, (_, n) => {
      const i = n * ports.length + replica;
      const body = JSON.stringify({ sensor_id: sensors[i % sensors.length].ext, recorded_at: new Date(start + i).toISOString(), temperature_c: 3.5 });
      return Buffer.from(
        `POST /v1/readings HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nAuthorization: Bearer ${key}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
    }),
  );
  const results = await Promise.all(
    ports.map((port, replica) => openLoop({ host: '127.0.0.1', port, rate: RATE / ports.length, total: requests[replica].length, request: (n) => requests[replica][n] })),
  );
  const latencies = results.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const sum = (f: (r: OpenLoopResult) => number) => results.reduce((n, r) => n + f(r), 0);
  return {
    sent: sum((r) => r.sent),
    answered: sum((r) => r.answered),
    non2xx: sum((r) => r.non2xx),
    errors: sum((r) => r.errors),
    p50: pct(latencies, 50),
    p99: pct(latencies, 99),
    max: latencies[latencies.length - 1],
  };
}

/** GcTotals: collections so far and seconds spent in them, by kind, over every ingest process. */
type GcTotals = Record<'minor' | 'major', { count: number; seconds: number }>;

/**
 * gcTotals reads the ingest processes' garbage collections from their own /metrics
 * (prom-client's nodejs_gc_duration_seconds). Scavenge pauses set the tail of single-reading
 * latency (ADR 0067), so the benchmark prints them beside it.
 */
async function gcTotals(urls: string[]): Promise<GcTotals> {
  const totals: GcTotals = { minor: { count: 0, seconds: 0 }, major: { count: 0, seconds: 0 } };
  for (const url of urls) {
    const text = await (await fetch(`${url}/metrics`)).text();
    for (const m of text.matchAll(/^nodejs_gc_duration_seconds_(sum|count)\{[^}]*kind="(minor|major)"[^}]*\} (\S+)$/gm)) {
      const kind = totals[m[2] as 'minor' | 'major'];
      if (m[1] === 'sum') kind.seconds += Number(m[3]);
      else kind.count += Number(m[3]);
    }
  }
  return totals;
}

/** gcLine: the collections between two readings of gcTotals. */
function gcLine(before: GcTotals, after: GcTotals): string {
  const part = (kind: 'minor' | 'major', name: string) => {
    const count = after[kind].count - before[kind].count;
    const ms = (after[kind].seconds - before[kind].seconds) * 1000;
    return `${count} ${name}${count ? ` (${ms.toFixed(0)} ms, mean ${(ms / count).toFixed(1)} ms)` : ''}`;
  };
  return `${part('minor', 'scavenges')}, ${part('major', 'full collections')}`;
}

/** cpuLine: milliseconds of CPU per unit of work, by party. */
function cpuLine(cpu: CpuSpent, units: number): string {
  const parts = Object.entries(cpu.processes).map(([party, ms]) => `${party} ${(ms / units).toFixed(2)} ms`);
  return [...parts, `PostgreSQL ${(cpu.postgres / units).toFixed(2)} ms`].join(', ');
}

function startIngest(url: string, port: number): ChildProcess {
  return spawn(process.execPath, [...(process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean), join(PROJECT_ROOT, 'bin', 'freshtrack.js'), 'ingest', `--web.listen-address=127.0.0.1:${port}`], {
    env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'warn', INGEST_RATE_LIMIT_PER_SECOND: '100000', INGEST_RATE_LIMIT_READINGS_PER_SECOND: '100000000', ALERTMANAGER_URLS: 'http://127.0.0.1:9' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

async function main(): Promise<void> {
  const loadBefore = loadavg()[0];
  const name = `freshtrack_bench_${randomBytes(4).toString('hex')}`;
  await admin(`CREATE DATABASE ${name}`);
  const url = dbUrl(name);
  const pool = createPool(url, { max: 4 });
  const ports: number[] = [];
  for (let i = 0; i < REPLICAS; i++) ports.push(await freePort());
  const procs = ports.map((port) => startIngest(url, port));
  try {
    await migrate(pool);
    const { key, orgId, unitId, sensors } = await seed(pool);
    await Promise.all(
      procs.map(
        (proc) =>
          new Promise<void>((resolve, reject) => {
            proc.stdout!.on('data', (d: Buffer) => d.toString().includes('FreshTrack Pro is running') && resolve());
            proc.once('exit', (code) => reject(new Error(`ingest exited ${code}`)));
          }),
      ),
    );
    const ingestUrls = ports.map((port) => `http://127.0.0.1:${port}`);
    const fleet = (gateways: number) => sensors.slice(0, gateways * SENSORS_PER_GATEWAY);
    await httpBatches(ingestUrls, key, requestBodies(makeRows(fleet(4), 8, 4, Date.now() - 40 * DAY_MS)), 4); // warm-up

    const parties = { ingest: procs.map((p) => p.pid!), generator: [process.pid] };
    const levels = [];
    // Each level writes a later stretch of time than the one before, so no reading is late.
    for (const [k, gateways] of CONCURRENCY_LEVELS.entries()) {
      const levelRows = makeRows(fleet(gateways), BATCHES, gateways, Date.now() - (20 - k) * DAY_MS);
      const bodies = requestBodies(levelRows);
      const copyBefore = await emptyCopy(pool, levelRows, orgId, unitId);
      const gcBefore = await gcTotals(ingestUrls);
      const { result, cpu } = await measureCpu(pool, name, parties, () => httpBatches(ingestUrls, key, bodies, gateways));
      const gc = gcLine(gcBefore, await gcTotals(ingestUrls));
      const copyAfter = await emptyCopy(pool, levelRows, orgId, unitId);
      levels.push({ gateways, rows: levelRows, http: result, cpu, gc, copyRates: [copyBefore, copyAfter].map((seconds) => levelRows.length / seconds) });
    }
    // Every level sends the same number of rows of the same shape; the baselines copy the last level's.
    const rows = levels[levels.length - 1].rows;
    await pool.query('TRUNCATE readings');
    // The physical limit is whichever COPY format this PostgreSQL takes faster.
    const { result: textSeconds, cpu: textCpu } = await measureCpu(pool, name, {}, () => rawCopy(pool, rows, orgId, unitId, 'text'));
    await pool.query('TRUNCATE readings');
    const { result: binarySeconds, cpu: binaryCpu } = await measureCpu(pool, name, {}, () => rawCopy(pool, rows, orgId, unitId, 'binary'));
    const unnestPath = await measureCpu(pool, name, {}, () => writePath(pool, rows, orgId, unitId, 'unnest'));
    const copyPath = await measureCpu(pool, name, {}, () => writePath(pool, rows, orgId, unitId, 'copy'));
    await pool.query('TRUNCATE readings');
    const gcBefore = await gcTotals(ingestUrls);
    const { result: single, cpu: singleCpu } = await measureCpu(pool, name, parties, () => singleReadings(ports, key, sensors));
    const gcAfter = await gcTotals(ingestUrls);
    await pool.query('TRUNCATE readings');
    const late = await lateReplays(pool, ingestUrls[0], key, orgId, unitId, sensors, name, parties);

    const n = rows.length;
    const copyRate = n / Math.min(textSeconds, binarySeconds);
    const lines = [
      `rows: ${n} (${BATCHES} batches of ${BATCH}, ${SENSORS_PER_GATEWAY} sensors per gateway, ${REPLICAS} ingest process${REPLICAS > 1 ? 'es' : ''}); load average ${loadBefore.toFixed(2)} before, ${loadavg()[0].toFixed(2)} after`,
      `raw COPY, same rows, same table: text ${Math.round(n / textSeconds)} rows/s, binary ${Math.round(n / binarySeconds)} rows/s`,
      ...levels.flatMap(({ gateways, http, cpu, gc, copyRates }) => [
        `HTTP ingest, batches of ${BATCH}, ${gateways} gateways posting at once: ${Math.round(n / http.seconds)} readings/s = ${((100 * n) / http.seconds / copyRate).toFixed(0)} % of raw COPY (the faster format); ` +
          `request latency p50 ${pct(http.latencies, 50).toFixed(1)} ms, p99 ${pct(http.latencies, 99).toFixed(1)} ms`,
        `  = ${((100 * n) / http.seconds / ((copyRates[0] + copyRates[1]) / 2)).toFixed(0)} % of binary COPY of its rows just before and after (${copyRates.map(Math.round).join(' and ')} rows/s)`,
        `  CPU per 1,000 readings: ${cpuLine(cpu, n / 1000)}`,
        `  GC in ingest meanwhile: ${gc}`,
      ]),
      `write path alone, 1 transaction per ${BATCH} rows: INSERT…unnest ON CONFLICT ${Math.round(n / unnestPath.result)} rows/s; binary COPY (ingest's bulk path) ${Math.round(n / copyPath.result)} rows/s`,
      `  PostgreSQL CPU per 1,000 rows on those paths: ${(unnestPath.cpu.postgres / (n / 1000)).toFixed(1)} ms INSERT…unnest, ${(copyPath.cpu.postgres / (n / 1000)).toFixed(1)} ms binary COPY`,
      `  CPU per 1,000 rows of raw COPY: PostgreSQL ${(textCpu.postgres / (n / 1000)).toFixed(1)} ms text, ${(binaryCpu.postgres / (n / 1000)).toFixed(1)} ms binary`,
      `single-reading requests, open loop at a constant ${RATE} req/s for ${SECONDS} s: ${single.sent} sent, ${single.answered} answered, ${single.non2xx} non-2xx, ${single.errors} errors; latency from when each was due p50 ${single.p50.toFixed(1)} ms, p99 ${single.p99.toFixed(1)} ms, max ${single.max.toFixed(1)} ms`,
      `  CPU per request: ${cpuLine(singleCpu, single.answered)}`,
      `  GC in ingest meanwhile: ${gcLine(gcBefore, gcAfter)}`,
      `late readings, one request at a time, ${LATE_SENSORS} sensors with ${late.historyPerSensor} stored readings each: on time p50 ${pct(late.inOrder.result, 50).toFixed(1)} ms, p99 ${pct(late.inOrder.result, 99).toFixed(1)} ms; ` +
        `1-6 days late and breaching (${late.replays} replays, each reading the sensor's history from there to now) p50 ${pct(late.replayed.result, 50).toFixed(1)} ms, p99 ${pct(late.replayed.result, 99).toFixed(1)} ms`,
      `  CPU per request: on time ${cpuLine(late.inOrder.cpu, LATE_REQUESTS)}; replayed ${cpuLine(late.replayed.cpu, LATE_REQUESTS)}`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await Promise.all(
      procs.map((proc) => {
        proc.kill('SIGTERM');
        return new Promise((r) => proc.once('exit', r));
      }),
    );
    await pool.end();
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
