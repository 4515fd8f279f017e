import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { PROJECT_ROOT } from '../platform/paths';
import {
  allPanels,
  labelValuesQuery,
  loadDashboards,
  panelQueries,
  POSTGRES_DATASOURCE,
  referencedVariables,
  SQL_DASHBOARD_DIR,
  variableQueryText,
} from './dashboard-queries';

/** Static checks on every dashboard: what Grafana would reject or silently show empty. */
const provisioning = parse(readFileSync(join(PROJECT_ROOT, 'grafana', 'provisioning', 'datasources', 'datasources.yaml'), 'utf8'));
const datasources = provisioning.datasources as {
  uid: string;
  type: string;
  url?: string;
  user?: string;
  jsonData?: Record<string, unknown>;
  secureJsonData?: Record<string, string>;
}[];
const promDashboards = loadDashboards();
const sqlDashboards = loadDashboards(SQL_DASHBOARD_DIR);
const dashboards = [...promDashboards, ...sqlDashboards];

describe('grafana provisioning', () => {
  test('Prometheus, Loki, Tempo and PostgreSQL datasources with fixed uids', () => {
    expect(datasources.map((d) => `${d.type}:${d.uid}`).sort()).toEqual(
      [`${POSTGRES_DATASOURCE.type}:${POSTGRES_DATASOURCE.uid}`, 'loki:loki', 'prometheus:prometheus', 'tempo:tempo'].sort(),
    );
  });

  test('PostgreSQL is read as the read-only role, its password a Docker secret file, never a literal', () => {
    const pg = datasources.find((d) => d.uid === POSTGRES_DATASOURCE.uid)!;
    expect(pg.user).toBe('freshtrack_grafana');
    // Where the database is comes from the compose file (docker/compose.test.ts checks both).
    expect(pg.url).toBe('${FRESHTRACK_RECORDS_DB_ADDRESS}');
    expect(pg.jsonData).toMatchObject({ database: '${FRESHTRACK_RECORDS_DB_NAME}', sslmode: '${FRESHTRACK_RECORDS_DB_SSLMODE}' });
    expect(pg.secureJsonData).toEqual({ password: '$__file{/run/secrets/grafana_postgres_password}' });
    const role = readFileSync(join(PROJECT_ROOT, 'docker', 'postgres', 'grafana-readonly.sql'), 'utf8');
    expect(role).toContain('CREATE ROLE freshtrack_grafana');
    expect(role).not.toMatch(/PASSWORD\s+'/i);
    const compose = parse(readFileSync(join(PROJECT_ROOT, 'docker', 'compose.yaml'), 'utf8'));
    expect(compose.services.grafana.secrets).toContain('grafana_postgres_password');
    expect(compose.services.grafana.networks).toEqual(compose.services.postgres.networks);
  });

  test('Loki turns the trace_id of a pino JSON line into a link to the trace', () => {
    const loki = datasources.find((d) => d.type === 'loki')!;
    const [field] = loki.jsonData!.derivedFields as { matcherRegex: string; datasourceUid: string }[];
    expect(field.datasourceUid).toBe('tempo');
    const line = JSON.stringify({ level: 'info', msg: 'reading stored', trace_id: '4bf92f3577b34da6a3ce929d0e0e4736', span_id: '00f067aa0ba902b7' });
    expect(line.match(new RegExp(field.matcherRegex))?.[1]).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
  });

  test('the dashboard provider loads the directory the dashboards live in', () => {
    const providers = parse(readFileSync(join(PROJECT_ROOT, 'grafana', 'provisioning', 'dashboards', 'dashboards.yaml'), 'utf8')).providers;
    expect(providers[0].type).toBe('file');
    expect(providers[0].options.path).toBe('/var/lib/grafana/dashboards');
  });
});

describe('grafana dashboards', () => {
  test('there is a dashboard for each view issue 8 asks for, with unique uids', () => {
    const uids = dashboards.map((d) => d.dashboard.uid);
    expect(new Set(uids).size).toBe(uids.length);
    expect(uids).toEqual(
      expect.arrayContaining([
        'freshtrack-overview',
        'freshtrack-ingest',
        'freshtrack-food-safety',
        'freshtrack-alert-router',
        'freshtrack-pgbouncer',
        'freshtrack-backups-certificates',
        'freshtrack-nodejs',
        'freshtrack-food-safety-records',
      ]),
    );
  });

  const sqlFiles = new Set(sqlDashboards.map((d) => d.dashboard.uid));
  describe.each(dashboards.map((d) => [d.file, d.dashboard] as const))('%s', (_file, dashboard) => {
    const onPostgres = sqlFiles.has(dashboard.uid);
    const panels = allPanels(dashboard);
    const variables = dashboard.templating.list;

    test('panel ids are unique and every panel has a title and a grid position', () => {
      const ids = panels.map((p) => p.id);
      expect(new Set(ids).size).toBe(ids.length);
      for (const p of panels) {
        expect(p.title).toBeTruthy();
        expect(p).toHaveProperty('gridPos');
      }
    });

    test('every query names a provisioned datasource of the right type and has an expression', () => {
      const queries = panelQueries(dashboard);
      expect(queries.length).toBeGreaterThan(0);
      for (const q of queries) {
        const ds = datasources.find((d) => d.uid === q.datasource?.uid);
        expect({ panel: q.panel, ds: ds?.type }).toEqual({ panel: q.panel, ds: q.datasource.type });
        expect(q.expr.trim()).not.toBe('');
      }
      const refIds = panels.flatMap((p) => (p.targets ?? []).map((t) => `${p.id}/${t.refId}`));
      expect(new Set(refIds).size).toBe(refIds.length);
    });

    test('every variable a query uses is defined: label_values on Prometheus, or SQL in records/', () => {
      const names = new Set(variables.map((v) => v.name));
      for (const q of panelQueries(dashboard)) {
        for (const v of referencedVariables(q.expr)) expect({ query: q.expr, variable: v, defined: names.has(v) }).toMatchObject({ defined: true });
      }
      for (const v of variables) {
        if (onPostgres) {
          expect(v.datasource).toEqual(POSTGRES_DATASOURCE);
          expect(variableQueryText(v)).toMatch(/^SELECT\b/);
        } else {
          expect(v.datasource?.uid).toBe('prometheus');
          expect(() => labelValuesQuery(v)).not.toThrow();
        }
      }
      // Dashboards outside records/ must not query PostgreSQL: the live-Prometheus test
      // resolves their variables through Prometheus only.
      if (!onPostgres) for (const q of panelQueries(dashboard)) expect(q.datasource.uid).not.toBe(POSTGRES_DATASOURCE.uid);
    });
  });
});
