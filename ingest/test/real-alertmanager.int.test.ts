import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/postgres';
import { freePort, startProcess, waitFor, type RunningProcess } from '../../test/helpers/processes';
import { startWebhookSink, type WebhookSink } from '../../test/helpers/webhook-sink';
import { createOrg, iso, postReadings, startTestIngest, type InProcessIngest } from './ingest-fixtures';

/**
 * The real Prometheus Alertmanager (Debian's prometheus-alertmanager) accepts what ingest
 * posts: proof that the payloads are valid Alertmanager API v2, not just what our own sink
 * tolerates, and that what ingest means to be notified is notified.
 */
let db: TestDatabase;
let am: RunningProcess;
let amUrl: string;
let ingest: InProcessIngest;
let dir: string;
let hook: WebhookSink;

beforeAll(async () => {
  db = await createTestDatabase();
  dir = mkdtempSync(join(tmpdir(), 'ftk-am-'));
  hook = await startWebhookSink();
  writeFileSync(
    join(dir, 'am.yml'),
    [
      'route:',
      '  receiver: hook',
      "  group_by: ['alertname', 'sensor']",
      '  group_wait: 1s',
      '  group_interval: 1s',
      'receivers:',
      '  - name: hook',
      '    webhook_configs:',
      `      - url: ${hook.url}/hook`,
      '',
    ].join('\n'),
  );
  const port = await freePort();
  amUrl = `http://127.0.0.1:${port}`;
  am = startProcess('prometheus-alertmanager', [
    `--config.file=${join(dir, 'am.yml')}`,
    `--storage.path=${dir}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--cluster.listen-address=',
  ]);
  await waitFor(async () => (await fetch(`${amUrl}/-/ready`)).ok, 30_000, 200);
  ingest = await startTestIngest(db.pool, { ALERTMANAGER_URLS: amUrl, ALERT_RESEND_INTERVAL_SECONDS: '3600' });
});

afterAll(async () => {
  await ingest?.stop();
  await am?.stop();
  await hook?.close();
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
});

it('a food-safety alert fires in Alertmanager and is resolved there', async () => {
  const org = await createOrg(db.pool, { thresholds: { delay_seconds: 0 } });
  const s = org.sensors[0];
  const t0 = Date.now() - 3_600_000;
  await postReadings(ingest.url, org.key, { sensor_id: s, recorded_at: iso(t0), temperature_f: 50 });
  const active = async () =>
    ((await (await fetch(`${amUrl}/api/v2/alerts?filter=sensor%3D%22${s}%22`)).json()) as { labels: Record<string, string>; annotations: Record<string, string>; status: { state: string } }[]);
  const [alert] = await waitFor(async () => {
    const list = await active();
    return list.length ? list : undefined;
  }, 30_000);
  expect(alert.labels).toMatchObject({ alertname: 'TemperatureExcursion', category: 'food-safety', severity: 'warning', org: org.slug, sensor: s });
  expect(alert.annotations.summary).toContain('10.0 °C (50.0 °F)');
  expect(alert.status.state).toBe('active');
  await postReadings(ingest.url, org.key, { sensor_id: s, recorded_at: iso(t0 + 60_000), temperature_c: 3 });
  await waitFor(async () => (await active()).length === 0, 30_000);
});

it('an excursion found after it ended is notified by Alertmanager, then resolved by it', async () => {
  // Re-sends every second: the one firing alert carries endsAt 4 s ahead, so Alertmanager
  // resolves it within the test instead of four hours later. A database of its own, so the
  // other ingest (hourly re-sends) cannot be the one delivering it.
  const own = await createTestDatabase();
  const quick = await startTestIngest(own.pool, { ALERTMANAGER_URLS: amUrl, ALERT_RESEND_INTERVAL_SECONDS: '1' });
  try {
    const org = await createOrg(own.pool, { thresholds: { delay_seconds: 600 } });
    const s = org.sensors[0];
    const t0 = Date.now() - 3_600_000;
    const readings = [[0, 4], [10, 8], [20, 9], [30, 3]].map(([min, c]) => ({ sensor_id: s, recorded_at: iso(t0 + min * 60_000), temperature_c: c }));
    expect((await postReadings(quick.url, org.key, { readings })).status).toBe(200);
    type Notification = { status: string; alerts: { status: string; labels: Record<string, string> }[] };
    const notifications = () => hook.at('/hook').map((r) => r.body as Notification).filter((n) => n.alerts.some((a) => a.labels.sensor === s));
    const [first] = await waitFor(async () => (notifications().length ? notifications() : undefined), 30_000);
    expect(first.status).toBe('firing');
    expect(first.alerts[0].labels).toMatchObject({ alertname: 'TemperatureExcursion', retrospective: 'true', sensor: s });
    const resolved = await waitFor(async () => notifications().find((n) => n.status === 'resolved'), 30_000);
    expect(resolved.alerts[0].labels.retrospective).toBe('true');
    expect(notifications().filter((n) => n.status === 'firing')).toHaveLength(1);
  } finally {
    await quick.stop();
    await own.drop();
  }
});
