import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/postgres';
import { freePort, startProcess, waitFor, type RunningProcess } from '../../test/helpers/processes';
import { createOrg, iso, postReadings, startTestIngest, type InProcessIngest } from './ingest-fixtures';

/**
 * The real Prometheus Alertmanager (Debian's prometheus-alertmanager) accepts what ingest
 * posts: proof that the payloads are valid Alertmanager API v2, not just what our own sink
 * tolerates.
 */
let db: TestDatabase;
let am: RunningProcess;
let amUrl: string;
let ingest: InProcessIngest;
let dir: string;

beforeAll(async () => {
  db = await createTestDatabase();
  dir = mkdtempSync(join(tmpdir(), 'ftk-am-'));
  writeFileSync(join(dir, 'am.yml'), 'route:\n  receiver: blackhole\nreceivers:\n  - name: blackhole\n');
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
