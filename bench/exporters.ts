/**
 * bench/exporters.ts — cost of the exporters, printed, never asserted.
 *
 *   npm run build && node dist/bench/exporters.js
 *   (env: BENCH_ADMIN_URL, default postgres://postgres@127.0.0.1:5432/postgres;
 *         BENCH_SCRAPES=200 BENCH_TARGETS=200 BENCH_ROUNDS=5)
 *
 * 1. PgBouncer: a real PgBouncer (docker/pgbouncer config) under pgbench load; BENCH_SCRAPES
 *    sequential scrapes of the admin console into a fresh registry and its text exposition.
 *    Latency p50/p99 and CPU per scrape. (No reference exporter runs here to compare with:
 *    the Go pgbouncer_exporter is not packaged and Debian's Python one fails on PgBouncer ≥ 1.8,
 *    see exporters.md §1.3.)
 * 2. TLS: BENCH_TARGETS TLS servers (leaf + intermediate, in a separate Node process) probed
 *    concurrently over HTTP /probe, by `freshtrack exporters` (production build, its own
 *    process) and by Debian's blackbox_exporter with the same module file, alternating, for
 *    BENCH_ROUNDS rounds: wall time for all targets, per-request p50/p99, and the CPU time
 *    each exporter process spent (from /proc).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { Registry } from 'prom-client';
import { createRootLogger } from '../platform/logging/logger';
import { PgBouncerCollector } from '../exporters/src/pgbouncer/pgbouncer-collector';
import { CertFactory } from '../exporters/test/cert-factory';
import { startPgBouncer } from '../test/helpers/pgbouncer';
import { freePort, startFreshtrack, startProcess, waitFor, type RunningProcess } from '../test/helpers/processes';

const ADMIN = process.env.BENCH_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const SCRAPES = Number(process.env.BENCH_SCRAPES ?? 200);
const TARGETS = Number(process.env.BENCH_TARGETS ?? 200);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const BLACKBOX = process.env.BLACKBOX_EXPORTER_BIN ?? '/usr/bin/prometheus-blackbox-exporter';
const DAY = 86400;

function dbUrl(name: string): string {
  const u = new URL(ADMIN);
  u.pathname = `/${name}`;
  return u.toString();
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

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const ms = (x: number) => `${x.toFixed(1)} ms`;

/** cpuSeconds reads utime+stime of a process from /proc (clock ticks of 100 Hz on Linux). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function benchPgBouncer(): Promise<void> {
  const db = `freshtrack_bench_exporters_${process.pid}`;
  await admin(`CREATE DATABASE ${db}`);
  const bouncer = await startPgBouncer();
  let load: ChildProcess | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      const init = spawn('pgbench', ['-i', '-q', '-s', '1', dbUrl(db)], { stdio: 'ignore' });
      init.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`pgbench -i exited ${code}`))));
    });
    load = spawn('pgbench', ['-n', '-c', '8', '-j', '2', '-T', '600', bouncer.url(db)], { stdio: 'ignore' });
    await new Promise((r) => setTimeout(r, 2000));
    const collector = new PgBouncerCollector({ connectionString: bouncer.adminUrl, logger: createRootLogger({ service: 'bench' }) });
    const latencies: number[] = [];
    let bytes = 0;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < SCRAPES; i++) {
      const start = performance.now();
      const registry = new Registry();
      await collector.scrape(registry, 10_000);
      bytes = (await registry.metrics()).length;
      latencies.push(performance.now() - start);
    }
    const wall = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    console.log(`\nPgBouncer scrape (PgBouncer 1.18 under pgbench -c 8, ${SCRAPES} sequential scrapes, ${bytes} bytes of exposition each)`);
    console.log(`  latency p50 ${ms(pct(latencies, 50))}   p99 ${ms(pct(latencies, 99))}   ${(SCRAPES / (wall / 1000)).toFixed(0)} scrapes/s`);
    console.log(`  exporter CPU per scrape ${(((cpu.user + cpu.system) / 1000) / SCRAPES).toFixed(2)} ms`);
  } finally {
    load?.kill('SIGINT');
    await bouncer.stop();
    await admin(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
  }
}

/** TLS_SERVERS runs in a child process so the servers do not share the event loop with anything measured. */
const TLS_SERVERS = `
const tls = require('node:tls');
const { cert, key, n } = JSON.parse(process.env.BENCH_TLS);
const ports = [];
let pending = n;
for (let i = 0; i < n; i++) {
  const s = tls.createServer({ cert, key });
  s.on('tlsClientError', () => {});
  s.listen(0, '127.0.0.1', () => { ports.push(s.address().port); if (--pending === 0) console.log(JSON.stringify(ports)); });
}`;

async function probeAll(base: string, targets: string[], module: string): Promise<{ wall: number; latencies: number[]; failed: number }> {
  const latencies: number[] = [];
  let failed = 0;
  const t0 = performance.now();
  await Promise.all(
    targets.map(async (t) => {
      const start = performance.now();
      const text = await (await fetch(`${base}/probe?target=${t}&module=${module}`)).text();
      latencies.push(performance.now() - start);
      if (!/^probe_success 1$/m.test(text)) failed++;
    }),
  );
  return { wall: performance.now() - t0, latencies, failed };
}

async function benchTls(): Promise<void> {
  const certs = new CertFactory();
  const db = `freshtrack_bench_tls_${process.pid}`;
  let servers: RunningProcess | undefined;
  let ours: RunningProcess | undefined;
  let blackbox: RunningProcess | undefined;
  await admin(`CREATE DATABASE ${db}`);
  try {
    const root = await certs.issue('root', { subject: '/CN=Bench Root', notBefore: -DAY, notAfter: 3650 * DAY, ca: true });
    const inter = await certs.issue('inter', { subject: '/CN=Bench Intermediate', notBefore: -DAY, notAfter: 1000 * DAY, ca: true, issuer: root });
    const leaf = await certs.issue('leaf', { subject: '/CN=bench.test', notBefore: -DAY, notAfter: 90 * DAY, issuer: inter, san: 'DNS:localhost,IP:127.0.0.1' });
    servers = startProcess(process.execPath, ['-e', TLS_SERVERS], { BENCH_TLS: JSON.stringify({ cert: leaf.pem + inter.pem, key: leaf.key, n: TARGETS }) });
    const ports = JSON.parse((await servers.waitForOutput(/^\[.*\]$/m, 60_000))[0]) as number[];
    const targets = ports.map((p) => `127.0.0.1:${p}`);
    const config = join(certs.dir, 'blackbox.yml');
    writeFileSync(config, `modules:\n  tls_verify:\n    prober: tcp\n    timeout: 30s\n    tcp:\n      tls: true\n      tls_config:\n        ca_file: ${root.certFile}\n`);

    const bbPort = await freePort();
    blackbox = startProcess(BLACKBOX, [`--config.file=${config}`, `--web.listen-address=127.0.0.1:${bbPort}`]);
    const ourPort = await freePort();
    ours = startFreshtrack(['exporters', `--web.listen-address=127.0.0.1:${ourPort}`, `--tls.config.file=${config}`], { DATABASE_URL: dbUrl(db), LOG_LEVEL: 'warn' });
    const exporters = [
      { name: 'freshtrack exporters', base: `http://127.0.0.1:${ourPort}`, proc: ours },
      { name: 'blackbox_exporter 0.23', base: `http://127.0.0.1:${bbPort}`, proc: blackbox },
    ];
    for (const e of exporters) await waitFor(async () => (await fetch(`${e.base}/metrics`).catch(() => undefined))?.ok, 60_000, 200);
    // Warm-up: the first probe of each target records its certificate (once) in our history.
    for (const e of exporters) await probeAll(e.base, targets, 'tls_verify');

    const results = new Map<string, { walls: number[]; latencies: number[]; cpu: number; failed: number }>();
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? exporters : [...exporters].reverse();
      for (const e of order) {
        const cpu0 = cpuSeconds(e.proc.proc.pid!);
        const r = await probeAll(e.base, targets, 'tls_verify');
        const acc = results.get(e.name) ?? { walls: [], latencies: [], cpu: 0, failed: 0 };
        acc.walls.push(r.wall);
        acc.latencies.push(...r.latencies);
        acc.cpu += cpuSeconds(e.proc.proc.pid!) - cpu0;
        acc.failed += r.failed;
        results.set(e.name, acc);
      }
    }
    console.log(`\nTLS probes: ${TARGETS} targets concurrently over HTTP /probe (leaf + intermediate, verified against a CA file), ${ROUNDS} rounds, alternating`);
    console.log('  exporter                  wall (median)   request p50   request p99   CPU per round   failed');
    for (const [name, r] of results) {
      console.log(
        `  ${name.padEnd(24)}  ${ms(pct(r.walls, 50)).padStart(13)}   ${ms(pct(r.latencies, 50)).padStart(11)}   ${ms(pct(r.latencies, 99)).padStart(11)}   ${ms((r.cpu * 1000) / ROUNDS).padStart(13)}   ${r.failed}`,
      );
    }
  } finally {
    await ours?.stop();
    await blackbox?.stop();
    await servers?.stop();
    certs.cleanup();
    await admin(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
  }
}

async function main(): Promise<void> {
  console.log(`exporters benchmark — node ${process.version}, ${new Date().toISOString()}`);
  await benchPgBouncer();
  await benchTls();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
