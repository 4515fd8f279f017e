/**
 * bench/router-send-claims: the cost of exactly-once sends through PostgreSQL (ADR 0035).
 * R replicas (each its own pool, as separate processes) race to claim and settle the flush of
 * G groups, as they would at one group_interval tick; prints claim transactions/s, groups
 * settled/s and how many sends won (must equal G, one per group).
 *
 *   npm run build && node dist/bench/router-send-claims.js [--groups=2000] [--replicas=2]
 *
 * Needs PostgreSQL (BENCH_ADMIN_URL, default postgres://postgres@127.0.0.1:5432/postgres);
 * a scratch database is created, migrated and dropped.
 */
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { SendClaims } from '../alerting/src/ha/send-claims';
import { migrate } from '../platform/db/migrate';
import { createPool, type Pool } from '../platform/db/pool';

const ADMIN_URL = process.env.BENCH_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const arg = (name: string, def: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? def);
const GROUPS = arg('groups', 2000);
const REPLICAS = arg('replicas', 2);

async function admin(sql: string): Promise<void> {
  const c = new Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

async function main(): Promise<void> {
  const name = `bench_claims_${randomBytes(4).toString('hex')}`;
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const pools: Pool[] = [];
  try {
    const setup = createPool(url.toString(), { max: 1 });
    await migrate(setup);
    await setup.end();
    const replicas = Array.from({ length: REPLICAS }, (_, i) => {
      const pool = createPool(url.toString(), { max: 10 });
      pools.push(pool);
      return new SendClaims(pool, `bench-${i}`);
    });
    const facts = { firing: ['a', 'b', 'c'], resolved: [], sendResolved: true, repeatIntervalMs: 4 * 3600_000, leaseMs: 300_000 };
    let wins = 0;
    const started = performance.now();
    await Promise.all(
      replicas.map(async (r) => {
        for (let g = 0; g < GROUPS; g += 10) {
          await Promise.all(
            Array.from({ length: 10 }, async (_, k) => {
              const key = { receiver: 'sink', integration: 'webhook[0]', groupKey: `{}:{alertname="A${g + k}"}` };
              const res = await r.claim(key, facts);
              if (!res.claimed) return;
              wins++;
              await r.recordAttempt(res.claim, { attempt: 1, ok: true, durationMs: 1 });
              await r.settle(res.claim, true);
            }),
          );
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const claims = GROUPS * REPLICAS;
    process.stdout.write(`${GROUPS} groups, ${REPLICAS} replicas racing, 10 flushes in flight per replica\n`);
    process.stdout.write(`claim transactions/s  groups settled/s  sends (must be ${GROUPS})\n`);
    process.stdout.write(`${String(Math.round(claims / seconds)).padStart(20)}  ${String(Math.round(GROUPS / seconds)).padStart(16)}  ${String(wins).padStart(5)}\n`);
  } finally {
    await Promise.all(pools.map((p) => p.end()));
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(1);
});
