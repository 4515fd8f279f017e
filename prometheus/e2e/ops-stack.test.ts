import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from '../../platform/paths';
import { ADMIN_URL, createTestDatabase, type TestDatabase } from '../../test/helpers/postgres';
import { startPgBouncer, type RunningPgBouncer } from '../../test/helpers/pgbouncer';
import { freePort, startFreshtrack, waitFor, type RunningProcess } from '../../test/helpers/processes';
import { createOrg, type OrgFixture } from '../../ingest/test/ingest-fixtures';
import { CertFactory } from '../../exporters/test/cert-factory';
import { labelValuesQuery, loadDashboards, panelQueries, referencedVariables, substitute } from '../../grafana/dashboard-queries';
import { ruleMetricNames, startPrometheus, type RunningPrometheus } from './prometheus-server';
import { startWebhookSink, type WebhookSink } from './webhook-sink';

/**
 * Issue 8, "end to end on real components": PostgreSQL, PgBouncer, every role (`freshtrack
 * start`), a TLS endpoint with an expired certificate, the real Prometheus running the shipped
 * prometheus/prometheus.yml and rules (compose addresses swapped for loopback ones), and a webhook receiver behind the router running the shipped routing tree
 * (docker/alerting/alertmanager.example.yml). Proves that every Grafana panel query returns
 * data, that Prometheus rules (the Watchdog, an expired certificate) reach the webhook through
 * the router, and that ingest's excursions and notify.sh's deployment notices do too.
 */
const run = promisify(execFile);
const DAY = 86_400;

describe('ops stack end to end', () => {
  let db: TestDatabase;
  let pgbouncer: RunningPgBouncer;
  let certs: CertFactory;
  let tls: TlsServer;
  let tlsTarget: string;
  let sink: WebhookSink;
  let freshtrack: RunningProcess;
  let prometheus: RunningPrometheus;
  let org: OrgFixture;
  let configDir: string;
  const ports: Record<string, number> = {};
  const addr = (role: string) => `127.0.0.1:${ports[role]}`;

  beforeAll(async () => {
    db = await createTestDatabase();
    pgbouncer = await startPgBouncer();
    sink = await startWebhookSink(['ReceiverDownProbe']);

    // A certificate that expired yesterday: the insecure probe module still reports its dates.
    certs = new CertFactory();
    const expired = await certs.issue('expired', { subject: '/O=FreshTrack/CN=expired.test', notBefore: -90 * DAY, notAfter: -DAY, san: 'DNS:localhost,IP:127.0.0.1' });
    tls = createTlsServer({ cert: expired.pem, key: expired.key });
    tls.on('tlsClientError', () => undefined);
    await new Promise<void>((r) => tls.listen(0, '127.0.0.1', r));
    tlsTarget = `127.0.0.1:${(tls.address() as AddressInfo).port}`;

    // The shipped routing tree, receivers pointed at the local webhook sink.
    configDir = mkdtempSync(join(tmpdir(), 'ops-e2e-'));
    mkdirSync(join(configDir, 'backups'));
    const routing = readFileSync(join(PROJECT_ROOT, 'docker', 'alerting', 'alertmanager.example.yml'), 'utf8').replace(/https:\/\/[\w.-]+\.example\.invalid\/[\w/-]*/g, sink.url);
    writeFileSync(join(configDir, 'alertmanager.yml'), routing);
    writeFileSync(
      join(configDir, 'blackbox.yml'),
      readFileSync(join(PROJECT_ROOT, 'docker', 'blackbox', 'blackbox.yml'), 'utf8'),
    );

    // freePort() releases its port before the process binds it, so on a busy machine another
    // socket can take it in between: start again on fresh ports when that happens.
    for (let attempt = 1; ; attempt++) {
      const taken = new Set<number>();
      for (const role of ['ingest', 'control-plane', 'alerting', 'exporters']) {
        do ports[role] = await freePort();
        while (taken.has(ports[role]));
        taken.add(ports[role]);
      }
      freshtrack = startFreshtrack(['start'], {
        DATABASE_URL: pgbouncer.url(db.name),
        INGEST_LISTEN_ADDRESS: addr('ingest'),
        CONTROL_PLANE_LISTEN_ADDRESS: addr('control-plane'),
        ALERTING_LISTEN_ADDRESS: addr('alerting'),
        EXPORTERS_LISTEN_ADDRESS: addr('exporters'),
        ALERTING_CONFIG_FILE: join(configDir, 'alertmanager.yml'),
        ALERTMANAGER_URLS: `http://${addr('alerting')}`,
        OUTBOX_POLL_INTERVAL_MS: '200',
        SENSOR_OFFLINE_SWEEP_CRON: '*/2 * * * * *',
        PGBOUNCER_EXPORTER_CONNECTION_STRING: pgbouncer.adminUrl,
        TLS_CONFIG_FILE: join(configDir, 'blackbox.yml'),
      });
      try {
        await freshtrack.waitForOutput(/FreshTrack Pro is running/, 120_000);
        break;
      } catch (err) {
        if (attempt >= 3 || !/EADDRINUSE/.test(freshtrack.output())) throw err;
        await freshtrack.stop();
      }
    }

    // One organization: a fridge with four sensors; one of them has been silent since it was
    // registered a day ago (the offline sweep opens SensorOffline for it).
    org = await createOrg(db.pool, { sensors: 4, thresholds: { max_warning_c: 5, max_critical_c: 8 } });
    await db.pool.query(`UPDATE sensors SET interval_seconds = 60, created_at = now() - interval '1 day' WHERE external_id = $1`, [org.sensors[3]]);
    const now = new Date().toISOString();
    const readings = [
      { sensor_id: org.sensors[0], recorded_at: now, temperature_c: 3.2, battery_pct: 90 },
      { sensor_id: org.sensors[1], recorded_at: now, temperature_c: 12.5, battery_pct: 80 },
      { sensor_id: org.sensors[2], recorded_at: now, temperature_c: 4.1, battery_pct: 5 },
      { sensor_id: org.sensors[0], recorded_at: new Date(Date.now() - 60_000).toISOString(), temperature_c: 500 },
    ];
    // An alert whose receiver answers 500, so notification failures are counted too.
    const probe = await fetch(`http://${addr('alerting')}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ labels: { alertname: 'ReceiverDownProbe', severity: 'warning', category: 'infrastructure' } }]),
    });
    expect(probe.status).toBe(200);
    for (const body of [{ readings }, { readings: readings.slice(0, 1) }]) {
      const res = await fetch(`http://${addr('ingest')}/v1/readings`, {
        method: 'POST',
        headers: { authorization: `Bearer ${org.key}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(res.status).toBeLessThan(300);
    }

    // Backup and restore test of the stack's database (the exporters' scripts), so the
    // backup panels have real runs to show.
    const backupDir = join(configDir, 'backups');
    const backupEnv = {
      ...process.env,
      BACKUP_DATABASE_URL: db.url,
      BACKUP_RECORD_URL: db.url,
      BACKUP_DIR: backupDir,
      BACKUP_DATABASE_NAME: db.name,
      RESTORE_ADMIN_URL: ADMIN_URL,
    };
    // A failed attempt too (a database that does not exist, recorded in the real one), so the
    // failure series exist; it concerns another database, so no backup alert fires.
    await expect(run(join(PROJECT_ROOT, 'scripts', 'backup-postgres.sh'), [], { env: { ...backupEnv, BACKUP_DATABASE_URL: `${db.url}_missing` } })).rejects.toThrow();
    await run(join(PROJECT_ROOT, 'scripts', 'backup-postgres.sh'), [], { env: backupEnv });
    await run(join(PROJECT_ROOT, 'scripts', 'test-restore.sh'), [], { env: backupEnv });

    // The shipped prometheus/prometheus.yml, compose addresses swapped for loopback ones.
    prometheus = await startPrometheus({
      services: {
        'ingest:8081': addr('ingest'),
        'control-plane:8080': addr('control-plane'),
        'alerting:9093': addr('alerting'),
        'exporters:9127': addr('exporters'),
      },
      certificates: [tlsTarget],
    });
  }, 240_000);

  afterAll(async () => {
    await prometheus?.stop();
    await freshtrack?.stop();
    await pgbouncer?.stop();
    await sink?.close();
    await new Promise<void>((r) => (tls ? tls.close(() => r()) : r()));
    certs?.cleanup();
    if (configDir) rmSync(configDir, { recursive: true, force: true });
    await db?.drop();
  });

  test('Prometheus scrapes every role and the certificate probe', async () => {
    await waitFor(async () => {
      const r = await prometheus.query('up');
      const up = (r.data?.result ?? []) as { metric: { job: string }; value: [number, string] }[];
      const healthy = up.filter((s) => s.value[1] === '1').map((s) => s.metric.job);
      return ['ingest', 'control-plane', 'alerting', 'exporters', 'certificates', 'prometheus'].every((j) => healthy.includes(j));
    }, 60_000, 500);
  }, 90_000);

  test('every Grafana panel query is valid and returns data, with the labels its legend shows', async () => {
    const dashboards = loadDashboards();
    // Variables take a real value from label_values(): the organization this test seeded (it
    // must be among the answers), otherwise the first answer, as Grafana's first option would.
    const preferred: Record<string, string> = { org: org.slug };
    const values: Record<string, string> = {};
    for (const { dashboard } of dashboards) {
      for (const v of dashboard.templating.list) {
        const { metric, label } = labelValuesQuery(v);
        values[v.name] = await waitFor(async () => {
          const res = await fetch(`${prometheus.url}/api/v1/label/${label}/values?${new URLSearchParams({ 'match[]': metric })}`);
          const list = ((await res.json()) as { data: string[] }).data.sort();
          if (preferred[v.name]) return list.includes(preferred[v.name]) ? preferred[v.name] : undefined;
          return list[0];
        }, 60_000, 500);
      }
    }
    const queries = dashboards.flatMap(({ dashboard }) => panelQueries(dashboard)).filter((q) => q.datasource.type === 'prometheus');
    expect(queries.length).toBeGreaterThan(50);
    let failures: string[] = [];
    await waitFor(
      async () => {
        failures = [];
        for (const q of queries) {
          const expr = referencedVariables(q.expr).length ? substitute(q.expr, values) : q.expr;
          const r = await prometheus.query(expr);
          if (r.status !== 'success') failures.push(`${q.dashboard} / ${q.panel} [${q.refId}]: invalid: ${r.error}`);
          else if (!r.data?.result.length) failures.push(`${q.dashboard} / ${q.panel} [${q.refId}]: no data: ${expr}`);
          else {
            // A legend naming a label the series do not carry would show blank names.
            const series = r.data.result as { metric: Record<string, string> }[];
            for (const label of q.legendLabels) {
              if (!series.some((s) => label in s.metric)) failures.push(`${q.dashboard} / ${q.panel} [${q.refId}]: legend {{${label}}} not on any series`);
            }
          }
        }
        return failures.length === 0;
      },
      120_000,
      2_000,
    ).catch(() => undefined);
    expect(failures).toEqual([]);
  }, 240_000);

  test('every metric an alert or recording rule reads exists in the running stack', async () => {
    const names = ruleMetricNames();
    expect(names).toEqual(expect.arrayContaining(['pgbouncer_up', 'probe_ssl_earliest_cert_not_before', 'freshtrack_sensors', 'service:sli_errors:ratio_rate5m']));
    let missing: string[] = [];
    await waitFor(
      async () => {
        missing = [];
        for (const name of names) {
          const series = await prometheus.query(`count({__name__="${name}"})`);
          if (!series.data?.result.length) missing.push(name);
        }
        return missing.length === 0;
      },
      120_000,
      2_000,
    ).catch(() => undefined);
    expect(missing).toEqual([]);
  }, 150_000);

  test('the backup and restore test run before start-up show in the metrics as fresh and passed', async () => {
    const scalar = async (expr: string) => {
      const r = await prometheus.query(expr);
      const [sample] = (r.data?.result ?? []) as { value: [number, string] }[];
      return sample ? Number(sample.value[1]) : undefined;
    };
    expect(await scalar('max(pg_backup_restore_verify_last_result)')).toBe(1);
    expect(await scalar('min(time() - pg_backup_last_success_timestamp_seconds)')).toBeLessThan(900);
    expect(await scalar('min(time() - pg_backup_restore_verify_last_success_timestamp_seconds)')).toBeLessThan(900);
    const alerts = await prometheus.query('ALERTS{alertname=~"PgBackup.*"}');
    expect(alerts.data?.result).toEqual([]);
  });

  test('a Prometheus rule (the Watchdog) reaches the webhook through the router', async () => {
    const watchdog = await waitFor(async () => sink.messages.find((m) => m.alerts.some((a) => a.labels.alertname === 'Watchdog')), 150_000, 500);
    expect(watchdog.receiver).toBe('heartbeat');
    expect(watchdog.alerts[0].labels).toMatchObject({ alertname: 'Watchdog', severity: 'none', category: 'watchdog' });
    expect(watchdog.alerts[0].annotations.runbook_url).toMatch(/docs\/runbooks\/platform\.md#watchdog$/);
  }, 180_000);

  test('an expired certificate on a local TLS server pages through exporter → Prometheus → router → webhook', async () => {
    const page = await waitFor(
      async () => sink.messages.find((m) => m.alerts.some((a) => a.labels.alertname === 'CertificateExpired' && a.labels.instance === tlsTarget)),
      120_000,
      500,
    );
    expect(page.receiver).toBe('ops');
    expect(page.status).toBe('firing');
    expect(page.alerts.find((a) => a.labels.alertname === 'CertificateExpired')!.labels).toMatchObject({ severity: 'critical', job: 'certificates' });
  }, 150_000);

  test('the excursion ingest detected reaches the food-safety receiver of the same tree', async () => {
    const isExcursion = (a: { labels: Record<string, string> }) => a.labels.alertname === 'TemperatureExcursion' && a.labels.org === org.slug;
    const page = await waitFor(async () => sink.messages.find((m) => m.alerts.some(isExcursion)), 90_000, 500);
    expect(page.receiver).toBe('food-safety');
    expect(page.alerts.find(isExcursion)!.labels).toMatchObject({ category: 'food-safety', severity: 'critical', sensor: org.sensors[1] });
  }, 120_000);

  test('notify.sh deployment notices arrive through the same routing tree', async () => {
    await run(join(PROJECT_ROOT, 'scripts', 'notify.sh'), ['--environment', 'e2e', '--version', '9.8.7', '--result', 'failure'], {
      env: { ...process.env, ALERTMANAGER_URL: `http://${addr('alerting')}` },
    });
    const notice = await waitFor(async () => sink.messages.find((m) => m.alerts.some((a) => a.labels.alertname === 'Deployment' && a.labels.version === '9.8.7')), 60_000, 250);
    expect(notice.receiver).toBe('ops');
    expect(notice.alerts[0].labels).toMatchObject({ environment: 'e2e', result: 'failure', severity: 'critical', category: 'deployment' });
  }, 90_000);
});
