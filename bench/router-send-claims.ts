/**
 * bench/router-send-claims: the cost of exactly-once sends through PostgreSQL (ADR 0035).
 * R replicas (each its own pool, as separate processes) race to claim and settle the flush of
 * G groups, as they would at one group_interval tick; prints claim transactions/s, groups
 * settled/s and how many sends won (must equal G, one per group).
 *
 * Then the renewal section (the claim heartbeat while sends run, ADR 0035): one replica takes
 * G fresh claims (the baseline), renews each alone (`renew([claim])`, what one write per claim
 * would cost), reads each lease (`leaseLeft`, what a waiting replica polls), and renews all G
 * in one statement (`renew(claims)`, what ClaimHeartbeat does). Rates are printed as ratios
 * against the claims/s of the same run, since the shared machine's load moves the absolute
 * figures from run to run.
 *
 *   npm run build && node dist/bench/router-send-claims.js [--groups=2000] [--replicas=2]
 *
 * Needs PostgreSQL (BENCH_ADMIN_URL, default postgres://postgres@127.0.0.1:5432/postgres);
 * a scratch database is created, migrated and dropped.
 */
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { SendClaims, type Claim } from '../alerting/src/ha/send-claims';
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

/** perSecond runs op(0..n-1) with 10 in flight, as the race above does; resolves ops per second. */
async function perSecond(n: number, op: (i: number) => Promise<void>): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < n; i += 10) await Promise.all(Array.from({ length: Math.min(10, n - i) }, (_, k) => op(i + k)));
  return n / ((performance.now() - started) / 1000);
}

const RENEW_BATCH_RUNS = 5;

/** renewal measures one replica's claim heartbeat against the cost of a claim, on fresh groups. */
async function renewal(r: SendClaims): Promise<void> {
  // A long lease so no claim lapses while the machine is loaded: leaseLeft must find every one
  // live. The length does not change what a renewal or a read costs.
  const facts = { firing: ['a', 'b', 'c'], resolved: [], sendResolved: true, repeatIntervalMs: 4 * 3600_000, leaseMs: 300_000 };
  const claims: Claim[] = [];
  const claimRate = await perSecond(GROUPS, async (i) => {
    const res = await r.claim({ receiver: 'sink', integration: 'webhook[0]', groupKey: `{}:{alertname="R${i}"}` }, facts);
    if (!res.claimed) throw new Error(`renewal: group R${i} not claimed (${res.reason})`);
    claims[i] = res.claim;
  });
  const singleRate = await perSecond(GROUPS, async (i) => {
    if (!(await r.renew([claims[i]])).has(claims[i].token)) throw new Error(`renewal: claim R${i} lost`);
  });
  const readRate = await perSecond(GROUPS, async (i) => {
    if (!((await r.leaseLeft(claims[i].key)) > 0)) throw new Error(`renewal: claim R${i} has no lease left`);
  });
  const batchMs: number[] = [];
  for (let run = 0; run < RENEW_BATCH_RUNS; run++) {
    const started = performance.now();
    const ours = await r.renew(claims);
    batchMs.push(performance.now() - started);
    if (ours.size !== GROUPS) throw new Error(`renewal: one statement renewed ${ours.size} of ${GROUPS}`);
  }
  const batch = batchMs.sort((a, b) => a - b)[Math.floor(RENEW_BATCH_RUNS / 2)];
  const batchRate = GROUPS / (batch / 1000);
  const ratio = (rate: number) => `${(rate / claimRate).toFixed(2)}×`;
  const cols: [string, string][] = [
    ['claims/s', String(Math.round(claimRate))],
    ['single renewals/s', String(Math.round(singleRate))],
    ['lease reads/s', String(Math.round(readRate))],
    [`all ${GROUPS} in one renewal`, `${Math.round(batch)} ms`],
    ['single renewal ÷ claim', ratio(singleRate)],
    ['read ÷ claim', ratio(readRate)],
    ['one-statement renewal ÷ claim', ratio(batchRate)],
  ];
  process.stdout.write(`\nrenewal: 1 replica, ${GROUPS} claims, 10 in flight on a pool of 10; one-statement renewal is the median of ${RENEW_BATCH_RUNS}\n`);
  process.stdout.write(`${cols.map(([h]) => h).join('  ')}\n`);
  process.stdout.write(`${cols.map(([h, v]) => v.padStart(h.length)).join('  ')}\n`);
  process.stdout.write(`one statement renews ${GROUPS} claims in the time of ${Math.round((batch / 1000) * singleRate)} single renewals\n`);
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
    await renewal(replicas[0]);
  } finally {
    await Promise.all(pools.map((p) => p.end()));
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(1);
});
