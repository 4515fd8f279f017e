/**
 * bench/alerting-vs-alertmanager: posts 20,000 distinct alerts in batches to the real
 * Alertmanager 0.25 and to `freshtrack alerting` (same config, one after the other, same
 * machine) and prints accepted alerts/s, the time until every alert reached the webhook
 * sink, and the router's peak RSS (VmHWM). For the posting phase and for the delivery after it,
 * it also prints the CPU each party spent per 1,000 alerts (the router process with all its
 * threads, PostgreSQL's backends for ours, this poster): read from /proc in 10 ms ticks, so
 * per run they are coarse; the medians over --runs are the figures to read.
 *
 *   npm run build && node dist/bench/alerting-vs-alertmanager.js [--alerts=20000] [--batch=500] [--runs=1] [--warmup=0]
 *
 * With --runs=N the two routers alternate N times and the medians are printed too.
 * With --warmup=N each router first gets N other alerts (20 groups of their own), delivered
 * before the clock starts: steady state, where a just-started process (for ours, code the JIT
 * has not compiled yet) is not timed.
 *
 * Needs PostgreSQL for our router's readiness check: BENCH_ADMIN_URL (default
 * postgres://postgres@127.0.0.1:5432/postgres); a scratch database is created and dropped.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Client, Pool } from 'pg';
import { freePort } from '../test/helpers/processes';
import { measureCpu, type CpuSpent } from './cpu-accounting';

const ADMIN_URL = process.env.BENCH_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const ROOT = join(__dirname, '..', '..');
const arg = (name: string, def: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? def);
const TOTAL = arg('alerts', 20_000);
const BATCH = arg('batch', 500);
const CONCURRENCY = 4;
const RUNS = arg('runs', 1);
const WARMUP = arg('warmup', 0);
// Extra node flags for our router, e.g. BENCH_ROUTER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile it.
const NODE_ARGS = (process.env.BENCH_ROUTER_NODE_ARGS ?? '').split(' ').filter(Boolean);

interface Sink {
  url: string;
  seen: Set<string>;
  warm: Set<string>;
  server: Server;
}

async function startSink(): Promise<Sink> {
  const seen = new Set<string>();
  const warm = new Set<string>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString()) as { alerts: { labels: { id: string } }[] };
      for (const a of body.alerts) (a.labels.id.startsWith('warm-') ? warm : seen).add(a.labels.id);
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, warm, server };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitReady(url: string, proc: ChildProcess): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (proc.exitCode !== null) throw new Error(`router exited with ${proc.exitCode}`);
    try {
      if ((await fetch(`${url}/-/ready`)).ok) return;
    } catch {
      /* not listening yet */
    }
    await sleep(100);
  }
  throw new Error(`${url} never became ready`);
}

function peakRssMb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

interface Result {
  name: string;
  acceptedPerSecond: number;
  deliveredAfterSeconds: number;
  peakRssMb: number;
  /** CPU ms per 1,000 alerts while posting, and from then until all were delivered. */
  postingCpu: CpuPer1000;
  deliveringCpu: CpuPer1000;
}

interface CpuPer1000 {
  router: number;
  postgres: number;
  poster: number;
}

const per1000 = (cpu: CpuSpent): CpuPer1000 => ({
  router: (cpu.processes.router * 1000) / TOTAL,
  postgres: (cpu.postgres * 1000) / TOTAL,
  poster: (cpu.processes.poster * 1000) / TOTAL,
});

/** The router's database, for counting its backends' CPU: none for Alertmanager. */
interface RouterDatabase {
  pool: Pool;
  name: string;
}

async function runOne(name: string, start: (config: string, port: number) => ChildProcess, sink: Sink, db?: RouterDatabase): Promise<Result> {
  const dir = mkdtempSync(join(tmpdir(), `bench-${name}-`));
  const config = join(dir, 'alertmanager.yml');
  writeFileSync(
    config,
    `route: {receiver: sink, group_by: [alertname], group_wait: 1s, group_interval: 5s, repeat_interval: 4h}\nreceivers: [{name: sink, webhook_configs: [{url: "${sink.url}/"}]}]\n`,
  );
  const port = await freePort();
  const proc = start(config, port);
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitReady(url, proc);
    if (WARMUP > 0) await warmUp(name, url, sink);
    // Bodies are serialised before the clock starts so the poster's own JSON work is not timed.
    const batches: string[] = [];
    for (let i = 0; i < TOTAL; i += BATCH) {
      batches.push(
        JSON.stringify(Array.from({ length: Math.min(BATCH, TOTAL - i) }, (_, j) => ({
          labels: { alertname: `Bench${(i + j) % 200}`, id: String(i + j), instance: `host-${(i + j) % 1000}`, severity: 'warning' },
          annotations: { summary: `benchmark alert ${i + j}` },
        }))),
      );
    }
    const parties = { router: [proc.pid!], poster: [process.pid] };
    const started = performance.now();
    let next = 0;
    const { cpu: postingCpu } = await measureCpu(db?.pool, db?.name ?? '', parties, () =>
      Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < batches.length) {
            const batch = batches[next++];
            const res = await fetch(`${url}/api/v2/alerts`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: batch });
            if (res.status !== 200) throw new Error(`${name}: POST /api/v2/alerts answered ${res.status}: ${await res.text()}`);
          }
        }),
      ),
    );
    const acceptedMs = performance.now() - started;
    const { cpu: deliveringCpu } = await measureCpu(db?.pool, db?.name ?? '', parties, async () => {
      while (sink.seen.size < TOTAL) {
        if (performance.now() - started > 300_000) throw new Error(`${name}: only ${sink.seen.size}/${TOTAL} delivered after 300 s`);
        await sleep(50);
      }
    });
    const deliveredMs = performance.now() - started;
    return {
      name,
      acceptedPerSecond: Math.round(TOTAL / (acceptedMs / 1000)),
      deliveredAfterSeconds: Number((deliveredMs / 1000).toFixed(2)),
      peakRssMb: Number(peakRssMb(proc.pid!).toFixed(1)),
      postingCpu: per1000(postingCpu),
      deliveringCpu: per1000(deliveringCpu),
    };
  } finally {
    proc.kill('SIGTERM');
    await new Promise((r) => (proc.exitCode !== null ? r(null) : proc.once('exit', r)));
    rmSync(dir, { recursive: true, force: true });
  }
}

/** warmUp posts WARMUP alerts of 20 groups of their own and waits until the sink has them all. */
async function warmUp(name: string, url: string, sink: Sink): Promise<void> {
  for (let i = 0; i < WARMUP; i += BATCH) {
    const body = JSON.stringify(
      Array.from({ length: Math.min(BATCH, WARMUP - i) }, (_, j) => ({
        labels: { alertname: `Warmup${(i + j) % 20}`, id: `warm-${i + j}`, instance: `host-${(i + j) % 1000}`, severity: 'warning' },
        annotations: { summary: `warm-up alert ${i + j}` },
      })),
    );
    const res = await fetch(`${url}/api/v2/alerts`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
    if (res.status !== 200) throw new Error(`${name}: warm-up POST answered ${res.status}`);
  }
  const since = performance.now();
  while (sink.warm.size < WARMUP) {
    if (performance.now() - since > 60_000) throw new Error(`${name}: warm-up not delivered after 60 s`);
    await sleep(50);
  }
}

/** runPair measures Alertmanager, then ours on a fresh scratch database. */
async function runPair(admin: Client): Promise<[Result, Result]> {
  const dbName = `freshtrack_bench_${randomBytes(4).toString('hex')}`;
  await admin.query(`CREATE DATABASE ${dbName}`);
  const dbUrl = new URL(ADMIN_URL);
  dbUrl.pathname = `/${dbName}`;
  const pool = new Pool({ connectionString: ADMIN_URL, max: 1 });
  try {
    const realSink = await startSink();
    const real = await runOne(
      'alertmanager 0.25',
      (config, port) =>
        spawn('/usr/bin/prometheus-alertmanager', [`--config.file=${config}`, `--web.listen-address=127.0.0.1:${port}`, `--storage.path=${join(dirname(config), 'data')}`, '--cluster.listen-address='], { stdio: 'ignore' }),
      realSink,
    );
    realSink.server.close();
    const ourSink = await startSink();
    const ours = await runOne(
      'freshtrack alerting',
      (config, port) =>
        spawn(process.execPath, [...NODE_ARGS, join(ROOT, 'bin', 'freshtrack.js'), 'alerting', `--config.file=${config}`, `--web.listen-address=127.0.0.1:${port}`], {
          stdio: 'ignore',
          env: { ...process.env, DATABASE_URL: dbUrl.toString(), LOG_LEVEL: 'warn' },
        }),
      ourSink,
      { pool, name: dbName },
    );
    ourSink.server.close();
    return [real, ours];
  } finally {
    await pool.end();
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function main(): Promise<void> {
  const admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  const pairs: [Result, Result][] = [];
  try {
    // On a shared machine one pair is noise: alternate the routers RUNS times and compare medians.
    for (let i = 0; i < RUNS; i++) pairs.push(await runPair(admin));
  } finally {
    await admin.end();
  }
  process.stdout.write(`${TOTAL} distinct alerts, batches of ${BATCH}, ${CONCURRENCY} concurrent posters, 200 groups, ${RUNS} run(s)${WARMUP ? `, after a warm-up of ${WARMUP} alerts` : ', cold start'}\n`);
  process.stdout.write(`${'run'.padEnd(5)}${'router'.padEnd(22)}${'accepted alerts/s'.padStart(18)}${'all delivered (s)'.padStart(19)}${'peak RSS (MB)'.padStart(15)}\n`);
  pairs.forEach((pair, i) => {
    for (const r of pair) process.stdout.write(`${String(i + 1).padEnd(5)}${r.name.padEnd(22)}${String(r.acceptedPerSecond).padStart(18)}${String(r.deliveredAfterSeconds).padStart(19)}${String(r.peakRssMb).padStart(15)}\n`);
  });
  if (RUNS > 1) {
    const col = (side: 0 | 1, f: (r: Result) => number) => Number(median(pairs.map((p) => f(p[side]))).toFixed(2));
    for (const side of [0, 1] as const)
      process.stdout.write(`${'med'.padEnd(5)}${pairs[0][side].name.padEnd(22)}${String(col(side, (r) => r.acceptedPerSecond)).padStart(18)}${String(col(side, (r) => r.deliveredAfterSeconds)).padStart(19)}${String(col(side, (r) => r.peakRssMb)).padStart(15)}\n`);
  }
  process.stdout.write(`CPU ms per 1,000 alerts (median over runs): router process (all threads), PostgreSQL backends, poster\n`);
  for (const side of [0, 1] as const) {
    const cpu = (phase: 'postingCpu' | 'deliveringCpu') => (['router', 'postgres', 'poster'] as const).map((k) => median(pairs.map((p) => p[side][phase][k])).toFixed(1)).join(' / ');
    process.stdout.write(`  ${pairs[0][side].name.padEnd(22)} posting ${cpu('postingCpu')}; delivering ${cpu('deliveringCpu')}\n`);
  }
  const ratio = (f: (r: Result) => number) => median(pairs.map(([real, ours]) => f(ours) / f(real))).toFixed(2);
  process.stdout.write(`ours / alertmanager, median of per-run ratios: accepted ${ratio((r) => r.acceptedPerSecond)}x, all delivered ${ratio((r) => r.deliveredAfterSeconds)}x, peak RSS ${ratio((r) => r.peakRssMb)}x\n`);
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(1);
});
