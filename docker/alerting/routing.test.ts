import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from '../../platform/paths';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/postgres';
import { freePort, startFreshtrack, startProcess, waitFor, type RunningProcess } from '../../test/helpers/processes';

/**
 * The shipped routing tree, checked with the reference implementation: amtool validates it and
 * routes sample alerts, and the real Alertmanager 0.25 applies its inhibition rules; our router
 * (the drop-in, started as `freshtrack alerting`) must apply them alike.
 */
const run = promisify(execFile);
const CONFIG = join(PROJECT_ROOT, 'docker', 'alerting', 'alertmanager.example.yml');
const ALERTMANAGER_BIN = process.env.ALERTMANAGER_BIN ?? '/usr/bin/prometheus-alertmanager';

async function route(...labels: string[]): Promise<string> {
  const { stdout } = await run('amtool', ['config', 'routes', 'test', `--config.file=${CONFIG}`, ...labels]);
  return stdout.trim();
}

describe('docker/alerting/alertmanager.example.yml', () => {
  test('amtool accepts it', async () => {
    const { stdout } = await run('amtool', ['check-config', CONFIG]);
    expect(stdout).toContain('SUCCESS');
  });

  test.each([
    [['alertname=Watchdog', 'severity=none', 'category=watchdog'], 'heartbeat'],
    [['alertname=TemperatureExcursion', 'category=food-safety', 'severity=critical', 'org=acme'], 'food-safety'],
    [['alertname=SensorOffline', 'category=food-safety', 'severity=warning'], 'food-safety'],
    [['alertname=Deployment', 'category=deployment', 'severity=critical', 'result=failure'], 'ops'],
    [['alertname=PgBouncerDown', 'category=infrastructure', 'severity=critical'], 'ops'],
    [['alertname=CertificateRenewalOverdue', 'category=infrastructure', 'severity=warning'], 'ops'],
  ])('%j goes to %s', async (labels, receiver) => {
    expect(await route(...labels)).toBe(receiver);
  });

  // The same alerts through the reference Alertmanager and through our router (`freshtrack
  // alerting`, a drop-in on the same file): both must apply the inhibition rules alike.
  describe.each(['alertmanager 0.25', 'freshtrack alerting'])('inhibition on %s', (implementation) => {
    let proc: RunningProcess;
    let url: string;
    let dir: string;
    let db: TestDatabase | undefined;
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'am-routing-'));
      // Receivers point at a closed loopback port: this test reads alert state, not deliveries.
      const config = join(dir, 'am.yml');
      writeFileSync(config, readFileSync(CONFIG, 'utf8').replace(/https:\/\/[\w.-]+\.example\.invalid\/[\w/-]*/g, 'http://127.0.0.1:9/'));
      const port = await freePort();
      url = `http://127.0.0.1:${port}`;
      if (implementation === 'freshtrack alerting') {
        db = await createTestDatabase();
        proc = startFreshtrack(['alerting', `--config.file=${config}`, `--web.listen-address=127.0.0.1:${port}`], { DATABASE_URL: db.url });
      } else {
        proc = startProcess(ALERTMANAGER_BIN, [`--config.file=${config}`, `--storage.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address=']);
      }
      await waitFor(async () => (await fetch(`${url}/-/ready`)).ok, 60_000, 200);
    }, 90_000);
    afterAll(async () => {
      await proc?.stop();
      await db?.drop();
      rmSync(dir, { recursive: true, force: true });
    });

    test('a service that is down silences its own SLO burn alerts, not other services', async () => {
      const alert = (labels: Record<string, string>) => ({ labels: { category: 'infrastructure', ...labels }, startsAt: new Date().toISOString() });
      const res = await fetch(`${url}/api/v2/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify([
          alert({ alertname: 'FreshtrackServiceDown', severity: 'critical', job: 'ingest', service: 'ingest', instance: 'ingest:8081' }),
          alert({ alertname: 'ErrorBudgetBurnFast', severity: 'critical', service: 'ingest' }),
          alert({ alertname: 'LatencyBudgetBurnSlow', severity: 'warning', service: 'ingest' }),
          alert({ alertname: 'ErrorBudgetBurnFast', severity: 'critical', service: 'control-plane' }),
        ]),
      });
      expect(res.status).toBe(200);
      const states = await waitFor(async () => {
        const list = (await (await fetch(`${url}/api/v2/alerts`)).json()) as { labels: Record<string, string>; status: { state: string; inhibitedBy: string[] } }[];
        const byKey = Object.fromEntries(list.map((a) => [`${a.labels.alertname}/${a.labels.service}`, a.status.state]));
        return Object.keys(byKey).length === 4 && byKey['ErrorBudgetBurnFast/ingest'] === 'suppressed' ? byKey : undefined;
      }, 20_000, 250);
      expect(states).toEqual({
        'FreshtrackServiceDown/ingest': 'active',
        'ErrorBudgetBurnFast/ingest': 'suppressed',
        'LatencyBudgetBurnSlow/ingest': 'suppressed',
        'ErrorBudgetBurnFast/control-plane': 'active',
      });
    }, 40_000);
  });
});
