import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse, stringify } from 'yaml';
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
 * the router, that ingest's excursions (firing, then resolved) and notify.sh's deployment notices
 * do too, and that a stale backup in backup_runs pages PgBackupTooOld along the same path.
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
    const routing = parse(readFileSync(join(PROJECT_ROOT, 'docker', 'alerting', 'alertmanager.example.yml'), 'utf8').replace(/https:\/\/[\w.-]+\.example\.invalid\/[\w/-]*/g, sink.url));
    // Test-only change: the food-safety group's follow-up notifications (the RESOLVED one) wait
    // group_interval (5 m, inherited from the root) after the first; 2 s keeps the suite short.
    const foodSafety = (routing.route.routes as { receiver: string; group_interval?: string }[]).find((r) => r.receiver === 'food-safety')!;
    foodSafety.group_interval = '2s';
    writeFileSync(join(configDir, 'alertmanager.yml'), stringify(routing));
    // Test-only copy of the shipped rules: PgBackupTooOld waits `for: 10m`; 2 s here, so the
    // stale-backup test below does not wait ten minutes. Expressions and labels are the shipped ones.
    mkdirSync(join(configDir, 'rules'));
    for (const file of readdirSync(join(PROJECT_ROOT, 'prometheus', 'rules')).filter((f) => f.endsWith('.yml'))) {
      const rules = parse(readFileSync(join(PROJECT_ROOT, 'prometheus', 'rules', file), 'utf8')) as { groups: { rules: { alert?: string; for?: string }[] }[] };
      for (const rule of rules.groups.flatMap((g) => g.rules)) if (rule.alert === 'PgBackupTooOld') rule.for = '2s';
      writeFileSync(join(configDir, 'rules', file), stringify(rules));
    }
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
      ruleBaseDir: configDir,
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

  test('readings back in range close the excursion and its RESOLVED notice reaches the same receiver', async () => {
    const isExcursion = (a: { labels: Record<string, string> }) => a.labels.alertname === 'TemperatureExcursion' && a.labels.org === org.slug && a.labels.sensor === org.sensors[1];
    const firing = sink.messages.find((m) => m.status === 'firing' && m.alerts.some(isExcursion))!;
    expect(firing).toBeDefined();
    const firingLabels = firing.alerts.find(isExcursion)!.labels;
    // 2.0 °C is inside the 5 °C warning limit by more than the 0.5 °C hysteresis. Every sensor
    // of the unit reports in range with a full battery, so nothing else in its group stays open.
    const now = new Date().toISOString();
    const res = await fetch(`http://${addr('ingest')}/v1/readings`, {
      method: 'POST',
      headers: { authorization: `Bearer ${org.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ readings: org.sensors.map((sensor_id) => ({ sensor_id, recorded_at: now, temperature_c: 2, battery_pct: 95 })) }),
    });
    expect(res.status).toBe(200);
    const { rows } = await db.pool.query(`SELECT e.state FROM excursions e JOIN sensors s ON s.id = e.sensor_id WHERE s.external_id = $1`, [org.sensors[1]]);
    expect(rows.map((r) => r.state)).not.toContain('open');
    const resolved = await waitFor(async () => sink.messages.find((m) => m.alerts.some((a) => isExcursion(a) && a.status === 'resolved')), 90_000, 500);
    expect(resolved.receiver).toBe(firing.receiver);
    expect(resolved.groupLabels).toEqual(firing.groupLabels);
    expect(resolved.alerts.find(isExcursion)!.labels).toEqual(firingLabels);
    const group = await waitFor(async () => sink.messages.find((m) => m.status === 'resolved' && m.alerts.some(isExcursion)), 90_000, 500);
    expect(group.receiver).toBe('food-safety');
    expect(group.alerts.every((a) => a.status === 'resolved')).toBe(true);
  }, 200_000);

  test('notify.sh deployment notices arrive through the same routing tree', async () => {
    await run(join(PROJECT_ROOT, 'scripts', 'notify.sh'), ['--environment', 'e2e', '--version', '9.8.7', '--result', 'failure'], {
      env: { ...process.env, ALERTMANAGER_URL: `http://${addr('alerting')}` },
    });
    const notice = await waitFor(async () => sink.messages.find((m) => m.alerts.some((a) => a.labels.alertname === 'Deployment' && a.labels.version === '9.8.7')), 60_000, 250);
    expect(notice.receiver).toBe('ops');
    expect(notice.alerts[0].labels).toMatchObject({ environment: 'e2e', result: 'failure', severity: 'critical', category: 'deployment' });
  }, 90_000);
  test('a stale backup in backup_runs pages PgBackupTooOld through exporter → Prometheus → router → webhook', async () => {
    // The system clock stays put: the history says the newest successful backup of another
    // database finished 27 h ago (the rule's threshold is 26 h).
    const database = `${db.name}_stale`;
    await db.pool.query(
      `INSERT INTO backup_runs (kind, database_name, started_at, finished_at, result, triggered_by)
       VALUES ('backup', $1, now() - interval '27 hours 5 minutes', now() - interval '27 hours', 'success', 'e2e')`,
      [database],
    );
    const age = await waitFor(async () => {
      const r = await prometheus.query(`time() - pg_backup_last_success_timestamp_seconds{database="${database}"}`);
      const [sample] = (r.data?.result ?? []) as { value: [number, string] }[];
      return sample ? Number(sample.value[1]) : undefined;
    }, 60_000, 500);
    expect(age).toBeGreaterThan(26 * 3600);
    const page = await waitFor(
      async () => sink.messages.find((m) => m.alerts.some((a) => a.labels.alertname === 'PgBackupTooOld' && a.labels.database === database)),
      120_000,
      500,
    );
    expect(page.receiver).toBe('ops');
    expect(page.status).toBe('firing');
    expect(page.alerts.find((a) => a.labels.database === database)!.labels).toMatchObject({ severity: 'critical', category: 'infrastructure', job: 'exporters' });
    // Only the stale database pages: the stack's own database was backed up minutes ago.
    expect(page.alerts.filter((a) => a.labels.alertname === 'PgBackupTooOld').map((a) => a.labels.database)).toEqual([database]);
  }, 200_000);
});
