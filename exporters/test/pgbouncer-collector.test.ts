import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { Registry } from 'prom-client';
import { createLogger } from '../../platform/logging/logger';
import { PgBouncerCollector } from '../src/pgbouncer/pgbouncer-collector';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/postgres';
import { startPgBouncer, type RunningPgBouncer } from '../../test/helpers/pgbouncer';
import { parseExposition, type Exposition } from './exposition';

const run = promisify(execFile);
const APP = 'freshtrack-pgbouncer-exporter';

type Row = Record<string, unknown>;
type Console = Record<string, Row[]>;

/** readConsole takes the admin console's view, as the exporter's own client would see it. */
async function readConsole(url: string): Promise<Console> {
  const c = new Client({ connectionString: url, application_name: APP });
  await c.connect();
  try {
    const out: Console = {};
    for (const cmd of ['STATS', 'STATS_TOTALS', 'POOLS', 'DATABASES', 'LISTS', 'CONFIG', 'VERSION']) {
      out[cmd] = (await c.query<Row>(`SHOW ${cmd}`)).rows;
    }
    // SHOW CLIENTS without the per-connection columns that differ between two clients.
    out.CLIENTS = (await c.query<Row>('SHOW CLIENTS')).rows.map((r) => ({ database: r.database, user: r.user, state: r.state, app: r.application_name }));
    return out;
  } finally {
    await c.end();
  }
}

const s = (v: unknown) => (v === null ? '' : String(v));

/** Every admin-console figure and the metric the community exporter names for it. */
const STATS: [string, string, number][] = [
  ['total_query_count', 'pgbouncer_stats_queries_pooled_total', 1],
  ['total_query_time', 'pgbouncer_stats_queries_duration_seconds_total', 1e-6],
  ['total_received', 'pgbouncer_stats_received_bytes_total', 1],
  ['total_sent', 'pgbouncer_stats_sent_bytes_total', 1],
  ['total_wait_time', 'pgbouncer_stats_client_wait_seconds_total', 1e-6],
  ['total_xact_count', 'pgbouncer_stats_sql_transactions_pooled_total', 1],
  ['total_xact_time', 'pgbouncer_stats_server_in_transaction_seconds_total', 1e-6],
];
const POOLS: [string, string][] = [
  ['cl_active', 'client_active_connections'],
  ['cl_waiting', 'client_waiting_connections'],
  ['sv_active', 'server_active_connections'],
  ['sv_idle', 'server_idle_connections'],
  ['sv_used', 'server_used_connections'],
  ['sv_tested', 'server_testing_connections'],
  ['sv_login', 'server_login_connections'],
  ['maxwait', 'client_maxwait_seconds'],
  ['cl_active_cancel_req', 'client_active_cancel_connections'],
  ['cl_waiting_cancel_req', 'client_waiting_cancel_connections'],
  ['sv_active_cancel', 'server_active_cancel_connections'],
  ['sv_being_canceled', 'server_being_canceled_connections'],
];
const LISTS: Record<string, string> = {
  databases: 'pgbouncer_databases', users: 'pgbouncer_users', pools: 'pgbouncer_pools', free_clients: 'pgbouncer_free_clients',
  used_clients: 'pgbouncer_used_clients', login_clients: 'pgbouncer_login_clients', free_servers: 'pgbouncer_free_servers',
  used_servers: 'pgbouncer_used_servers', dns_names: 'pgbouncer_cached_dns_names', dns_zones: 'pgbouncer_cached_dns_zones',
  dns_queries: 'pgbouncer_in_flight_dns_queries',
};

/** expectedSamples derives, from one console snapshot, every sample the exporter must emit. */
function expectedSamples(con: Console): string[] {
  const out: string[] = [];
  const add = (name: string, labels: Record<string, string>, value: number) =>
    out.push(`${name}{${Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',')}} ${value}`);
  for (const row of con.STATS) {
    for (const [col, name, f] of STATS) add(name, { database: s(row.database) }, Number(row[col]) * f);
  }
  for (const row of con.STATS_TOTALS) {
    for (const [col, name, f] of STATS) {
      add(name.replace('pgbouncer_stats_', 'pgbouncer_stats_totals_'), { database: s(row.database) }, Number(row[col.replace(/^total_/, '').replace(/^(received|sent)$/, 'bytes_$1')]) * f);
    }
  }
  for (const row of con.POOLS) {
    for (const [col, name] of POOLS) add(`pgbouncer_pools_${name}`, { database: s(row.database), user: s(row.user) }, Number(row[col]));
  }
  for (const row of con.DATABASES) {
    const labels = { name: s(row.name), host: s(row.host), port: s(row.port), database: s(row.database), force_user: s(row.force_user), pool_mode: s(row.pool_mode) };
    for (const col of ['pool_size', 'reserve_pool', 'max_connections', 'current_connections', 'paused', 'disabled']) {
      add(`pgbouncer_databases_${col}`, labels, Number(row[col]));
    }
  }
  for (const row of con.LISTS) if (LISTS[s(row.list)]) add(LISTS[s(row.list)], {}, Number(row.items));
  const config = Object.fromEntries(con.CONFIG.map((r) => [r.key, Number(r.value)]));
  add('pgbouncer_config_max_client_connections', {}, config.max_client_conn);
  add('pgbouncer_config_max_user_connections', {}, config.max_user_connections);
  add('pgbouncer_version_info', { version: s(con.VERSION[0].version) }, 1);
  const clients = new Map<string, number>();
  for (const c of con.CLIENTS) {
    const key = JSON.stringify({ database: s(c.database), user: s(c.user), application_name: s(c.app), state: s(c.state) });
    clients.set(key, (clients.get(key) ?? 0) + 1);
  }
  for (const [key, n] of clients) add('pgbouncer_client_connections', JSON.parse(key), n);
  add('pgbouncer_up', {}, 1);
  return out.sort();
}

function actualSamples(e: Exposition): string[] {
  return e.samples
    .map((x) => `${x.name}{${Object.entries(x.labels).map(([k, v]) => `${k}=${v}`).join(',')}} ${x.value}`)
    .sort();
}

async function scrape(collector: PgBouncerCollector): Promise<Exposition> {
  const registry = new Registry();
  await collector.scrape(registry, 10_000);
  return parseExposition(await registry.metrics());
}

function pgbench(url: string, args: string[]) {
  return run('pgbench', [...args, url], { env: { ...process.env, PGAPPNAME: 'pgbench' }, maxBuffer: 16 * 1024 * 1024 });
}

describe('PgBouncer exporter against a real PgBouncer under pgbench load', () => {
  let db: TestDatabase;
  let bouncer: RunningPgBouncer;
  let collector: PgBouncerCollector;

  beforeAll(async () => {
    db = await createTestDatabase({ migrated: false });
    bouncer = await startPgBouncer();
    collector = new PgBouncerCollector({ connectionString: bouncer.adminUrl, logger: createLogger('test') });
    await pgbench(db.url, ['-i', '-q', '-s', '1']);
  }, 120_000);

  afterAll(async () => {
    await bouncer?.stop();
    await db?.drop();
  });

  test('counters scraped during load lie between the console readings taken just before and just after', async () => {
    const load = pgbench(bouncer.url(db.name), ['-n', '-c', '4', '-j', '2', '-T', '6']);
    let done = false;
    void load.finally(() => (done = true)).catch(() => undefined);
    let checked = 0;
    try {
      // Keep comparing while pgbench runs (it may take a moment to connect on a busy machine).
      while (!done && checked < 5) {
        const before = await readConsole(bouncer.adminUrl);
        const e = await scrape(collector);
        const after = await readConsole(bouncer.adminUrl);
        const row = (con: Console, cmd: string) => con[cmd].find((r) => r.database === db.name);
        const [b, a] = [row(before, 'STATS'), row(after, 'STATS')];
        if (!b || !a) {
          await new Promise((r) => setTimeout(r, 100));
          continue;
        }
        for (const [col, name, f] of STATS) {
          const v = e.value(name, { database: db.name })!;
          expect(v).toBeGreaterThanOrEqual(Number(b[col]) * f - 1e-9);
          expect(v).toBeLessThanOrEqual(Number(a[col]) * f + 1e-9);
          const totals = e.value(name.replace('pgbouncer_stats_', 'pgbouncer_stats_totals_'), { database: db.name })!;
          expect(totals).toBeGreaterThanOrEqual(Number(b[col]) * f - 1e-9);
          expect(totals).toBeLessThanOrEqual(Number(a[col]) * f + 1e-9);
        }
        checked++;
      }
    } finally {
      await load;
    }
    expect(checked).toBeGreaterThan(0);
    const final = (await readConsole(bouncer.adminUrl)).STATS.find((r) => r.database === db.name)!;
    expect(Number(final.total_xact_count)).toBeGreaterThan(100);
  }, 60_000);

  test('with the load paused, every exported sample equals what the admin console says', async () => {
    // Admin-console queries count as traffic of the "pgbouncer" pseudo-database, so its stats
    // rows move with every reading: they are checked between the readings, all else exactly.
    const adminStats = (line: string) => /^pgbouncer_stats_\S*\{database=pgbouncer\}/.test(line);
    // avg_* columns (not exported) are moving averages that change on their own.
    const noAvg = (r: Row) => Object.fromEntries(Object.entries(r).filter(([k]) => !k.startsWith('avg_')));
    const stable = (con: Console) =>
      JSON.stringify({
        ...con,
        STATS: con.STATS.filter((r) => r.database !== 'pgbouncer').map(noAvg),
        STATS_TOTALS: con.STATS_TOTALS.filter((r) => r.database !== 'pgbouncer'),
      });
    let compared = false;
    for (let attempt = 0; attempt < 100 && !compared; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, 100));
      const before = await readConsole(bouncer.adminUrl);
      const e = await scrape(collector);
      const after = await readConsole(bouncer.adminUrl);
      if (stable(before) !== stable(after)) continue;
      const actual = actualSamples(e);
      expect(actual.filter((l) => !adminStats(l))).toEqual(expectedSamples(after).filter((l) => !adminStats(l)));
      const lo = expectedSamples(before).filter(adminStats);
      const hi = expectedSamples(after).filter(adminStats);
      const got = actual.filter(adminStats);
      expect(got).toHaveLength(hi.length);
      got.forEach((line, i) => {
        const value = (l: string) => Number(l.split(' ').pop());
        expect(line.split(' ')[0]).toBe(hi[i].split(' ')[0]);
        expect(value(line)).toBeGreaterThanOrEqual(value(lo[i]));
        expect(value(line)).toBeLessThanOrEqual(value(hi[i]));
      });
      expect(e.value('pgbouncer_stats_queries_pooled_total', { database: db.name })).toBeGreaterThan(100);
      expect(e.value('pgbouncer_pools_server_idle_connections', { database: db.name })).toBeGreaterThan(0);
      compared = true;
    }
    expect(compared).toBe(true);
  }, 60_000);

  test('types and HELP texts are the community exporter’s', async () => {
    const e = await scrape(collector);
    expect(e.types.get('pgbouncer_stats_queries_pooled_total')).toBe('counter');
    expect(e.types.get('pgbouncer_stats_totals_server_in_transaction_seconds_total')).toBe('counter');
    expect(e.types.get('pgbouncer_pools_client_waiting_connections')).toBe('gauge');
    expect(e.helps.get('pgbouncer_up')).toBe('The pgbouncer scrape succeeded');
    expect(e.helps.get('pgbouncer_pools_client_maxwait_seconds')).toBe('Age of oldest unserved client connection, shown as second');
    expect(e.helps.get('pgbouncer_databases_reserve_pool')).toBe('Maximum number of additional connections for this database');
    expect(e.helps.get('pgbouncer_cached_dns_names')).toBe('Count of DNS names in the cache');
    // NULL host of the admin pseudo-database is the empty label value.
    expect(e.value('pgbouncer_databases_pool_size', { name: 'pgbouncer', host: '' })).toBeDefined();
  });

  test('an unreachable PgBouncer gives pgbouncer_up 0, not a failed scrape', async () => {
    const other = await startPgBouncer();
    const c = new PgBouncerCollector({ connectionString: other.adminUrl, logger: createLogger('test') });
    expect((await scrape(c)).value('pgbouncer_up')).toBe(1);
    await other.stop();
    const e = await scrape(c);
    expect(e.value('pgbouncer_up')).toBe(0);
    expect(e.find('pgbouncer_pools_client_active_connections')).toHaveLength(0);
  });
});
