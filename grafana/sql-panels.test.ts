import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PoolClient } from 'pg';
import { PROJECT_ROOT } from '../platform/paths';
import { createTestDatabase, type TestDatabase } from '../test/helpers/postgres';
import { seedOrganization, type SeededOrganization } from '../control-plane/test/seed-organization';
import { loadDashboards, panelQueries, POSTGRES_DATASOURCE, SQL_DASHBOARD_DIR, substitute, variableQueryText, type PanelQuery } from './dashboard-queries';
import { expandSqlMacros } from './sql-macros';

/**
 * Every SQL query of the records dashboards runs against a real migrated database, expanded
 * the way Grafana expands it, as the read-only role Grafana connects with
 * (docker/postgres/grafana-readonly.sql): valid SQL, enough grants, and the recorded values.
 */
const dashboards = loadDashboards(SQL_DASHBOARD_DIR);
const queries = dashboards.flatMap(({ dashboard }) => panelQueries(dashboard)).filter((q) => q.datasource.uid === POSTGRES_DATASOURCE.uid);
const variables = dashboards.flatMap(({ dashboard }) => dashboard.templating.list);

let db: TestDatabase;
let a: SeededOrganization;
let b: SeededOrganization;
const now = new Date(Math.floor(Date.now() / 60_000) * 60_000);
const range = { from: new Date(now.getTime() - 6 * 3600_000), to: now, intervalMs: 60_000 };

/** asGrafana runs one statement as the read-only role, as the datasource would. */
async function asGrafana<T extends Record<string, unknown>>(sql: string): Promise<T[]> {
  const client: PoolClient = await db.pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SET LOCAL ROLE freshtrack_grafana');
    const res = await client.query<T>(sql);
    return res.rows;
  } finally {
    await client.query('ROLLBACK');
    client.release();
  }
}

function expand(q: Pick<PanelQuery, 'expr'>, org: SeededOrganization): string {
  return substitute(expandSqlMacros(q.expr, range), { org: org.slug, site: org.siteId, unit: `'${org.unitId}'` });
}

function query(panel: string, refId = 'A'): PanelQuery {
  const q = queries.find((x) => x.panel === panel && x.refId === refId);
  if (!q) throw new Error(`no PostgreSQL query ${refId} on panel "${panel}"`);
  return q;
}

beforeAll(async () => {
  db = await createTestDatabase();
  await db.pool.query(readFileSync(join(PROJECT_ROOT, 'docker', 'postgres', 'grafana-readonly.sql'), 'utf8'));
  a = await seedOrganization(db.pool, 'sqlpanels-a', now);
  b = await seedOrganization(db.pool, 'sqlpanels-b', now);
  await db.pool.query(
    `INSERT INTO thresholds (unit_id, org_id, min_warning_c, min_critical_c, max_warning_c, max_critical_c) VALUES ($1, $2, 1, 0, 5, 8)`,
    [a.unitId, a.orgId],
  );
}, 120_000);

afterAll(async () => {
  await db?.drop();
});

test('the records dashboards have SQL queries for temperatures, bands, excursions and corrective actions', () => {
  expect(queries.map((q) => `${q.panel} [${q.refId}]`)).toEqual(
    expect.arrayContaining([
      'Temperature per unit with threshold bands [A]',
      'Temperature per unit with threshold bands [B]',
      'Open excursions [A]',
      'Open corrective actions [A]',
    ]),
  );
  expect(variables.map((v) => v.name)).toEqual(['org', 'site', 'unit']);
});

test('every query is valid as the read-only role and returns rows for the seeded organization', async () => {
  const failures: string[] = [];
  for (const q of queries) {
    const sql = expand(q, a);
    try {
      const rows = await asGrafana(sql);
      if (rows.length === 0) failures.push(`${q.dashboard} / ${q.panel} [${q.refId}]: no rows`);
    } catch (err) {
      failures.push(`${q.dashboard} / ${q.panel} [${q.refId}]: ${(err as Error).message}`);
    }
  }
  expect(failures).toEqual([]);
});

test('the variables chain organization -> site -> unit', async () => {
  const values = { org: a.slug, site: a.siteId, unit: `'${a.unitId}'` };
  const answers: Record<string, string[]> = {};
  for (const v of variables) {
    const rows = await asGrafana<{ __value: string }>(substitute(variableQueryText(v), values));
    answers[v.name] = rows.map((r) => r.__value);
  }
  expect(answers.org).toEqual(expect.arrayContaining([a.slug, b.slug]));
  expect(answers.site).toEqual([a.siteId]);
  expect(answers.unit).toEqual([a.unitId]);
});

test('the temperature panel returns the recorded readings of the selected unit in the range', async () => {
  const rows = await asGrafana<{ time: Date; metric: string; value: number }>(expand(query('Temperature per unit with threshold bands'), a));
  const recorded = await db.pool.query<{ bin: Date; temperature_c: number }>(
    `SELECT date_bin(interval '1 minute', recorded_at, TIMESTAMPTZ '2000-01-01 00:00:00+00') AS bin, temperature_c
     FROM readings WHERE unit_id = $1 AND recorded_at BETWEEN $2 AND $3 ORDER BY 1`,
    [a.unitId, range.from, range.to],
  );
  expect(recorded.rows.length).toBeGreaterThan(300);
  expect(rows.map((r) => [r.time.toISOString(), r.metric, Number(r.value.toFixed(6))])).toEqual(
    recorded.rows.map((r) => [r.bin.toISOString(), 'SQLPANELS-A-WALKIN', Number(r.temperature_c.toFixed(6))]),
  );
  const times = rows.map((r) => r.time.getTime());
  expect([...times].sort((x, y) => x - y)).toEqual(times);
});

test('the threshold bands are the unit\'s warning and critical limits across the range', async () => {
  const rows = await asGrafana<{ time: Date; metric: string; value: number }>(expand(query('Temperature per unit with threshold bands', 'B'), a));
  const levels = Object.fromEntries(rows.map((r) => [r.metric, r.value]));
  expect(levels).toEqual({
    'SQLPANELS-A-WALKIN max critical': 8,
    'SQLPANELS-A-WALKIN max warning': 5,
    'SQLPANELS-A-WALKIN min warning': 1,
    'SQLPANELS-A-WALKIN min critical': 0,
  });
  expect(new Set(rows.map((r) => r.time.getTime()))).toEqual(new Set([range.from.getTime(), range.to.getTime()]));
});

test('open excursions and open corrective actions list the organization\'s own open records only', async () => {
  const excursions = await asGrafana<{ Excursion: string; Kind: string; 'Peak °C': number }>(expand(query('Open excursions'), a));
  expect(excursions.map((r) => [r.Excursion, r.Kind, r['Peak °C']])).toEqual([[a.excursionId, 'TemperatureExcursion', 11]]);
  const actions = await asGrafana<{ 'Corrective action': string; State: string }>(expand(query('Open corrective actions'), a));
  expect(actions.map((r) => r['Corrective action'])).toContain(a.actionId);
  expect(actions.every((r) => ['open', 'completed'].includes(r.State))).toBe(true);
  const otherOrg = await asGrafana<{ Excursion: string }>(expand(query('Open excursions'), { ...b, siteId: a.siteId, unitId: a.unitId }));
  expect(otherOrg).toEqual([]);
});

test('the Grafana role cannot write', async () => {
  await expect(asGrafana(`UPDATE excursions SET state = 'closed' WHERE id = '${a.excursionId}'`)).rejects.toThrow(/permission denied|read-only/);
});
