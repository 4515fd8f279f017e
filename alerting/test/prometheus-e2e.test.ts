/**
 * Prometheus (Debian's 2.42) evaluates a rule that always fires and sends it to our router
 * through `alerting.alertmanagers`, over API v2 and v1; the router delivers it to a webhook.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/postgres';
import { freePort, startProcess, waitFor, type RunningProcess } from '../../test/helpers/processes';
import { startWebhookSink, type WebhookSink } from '../../test/helpers/webhook-sink';
import { fingerprint } from '../src/types/fingerprint';
import { startOurRouter, type RunningRouter } from './support/routers';

describe('Prometheus → freshtrack alerting → webhook', () => {
  let db: TestDatabase;
  let sink: WebhookSink;
  let router: RunningRouter;
  let prometheus: RunningProcess;
  let dir: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    sink = await startWebhookSink();
    router = await startOurRouter(
      `route: {receiver: hook, group_by: [alertname], group_wait: 1s, group_interval: 2s}\nreceivers: [{name: hook, webhook_configs: [{url: "${sink.url}/hook"}]}]\n`,
      db.url,
    );
    dir = mkdtempSync(join(tmpdir(), 'prom-'));
    writeFileSync(
      join(dir, 'rules.yml'),
      'groups:\n- name: e2e\n  interval: 1s\n  rules:\n  - alert: AlwaysFiring\n    expr: vector(1)\n    labels: {severity: test}\n    annotations: {summary: "fires forever"}\n',
    );
    writeFileSync(
      join(dir, 'prometheus.yml'),
      // The router twice: through API v2 (the default) and v1 (the default before Prometheus 2.26).
      `global: {evaluation_interval: 1s}\nrule_files: [${join(dir, 'rules.yml')}]\nalerting:\n  alertmanagers:\n  - static_configs:\n    - targets: ['${new URL(router.url).host}']\n  - api_version: v1\n    static_configs:\n    - targets: ['${new URL(router.url).host}']\n`,
    );
    const port = await freePort();
    prometheus = startProcess('/usr/bin/prometheus', [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      // The first send can precede alertmanager discovery; resend quickly instead of after 1m.
      '--rules.alert.resend-delay=1s',
    ]);
  }, 120_000);

  afterAll(async () => {
    await prometheus?.stop();
    await router?.stop();
    await sink?.close();
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('the firing rule is delivered with Alertmanager’s payload', async () => {
    const delivery = await waitFor(async () => sink.at('/hook')[0], 90_000, 250);
    const body = delivery.body as { receiver: string; status: string; groupKey: string; alerts: { labels: Record<string, string>; generatorURL: string; fingerprint: string; annotations: Record<string, string> }[] };
    expect(body.receiver).toBe('hook');
    expect(body.status).toBe('firing');
    expect(body.groupKey).toBe('{}:{alertname="AlwaysFiring"}');
    const [alert] = body.alerts;
    expect(alert.labels).toEqual({ alertname: 'AlwaysFiring', severity: 'test' });
    expect(alert.annotations).toEqual({ summary: 'fires forever' });
    expect(alert.generatorURL).toMatch(/^http:\/\/.*\/graph\?g0\.expr=vector/);
    expect(alert.fingerprint).toBe(fingerprint(alert.labels));
    await waitFor(async () => /alertmanager_alerts_received_total\{status="firing",version="v1"[^}]*\} [1-9]/.test(await (await fetch(`${router.url}/metrics`)).text()), 30_000, 250);
    const metrics = await (await fetch(`${router.url}/metrics`)).text();
    for (const version of ['v1', 'v2']) expect(metrics).toMatch(new RegExp(`alertmanager_alerts_received_total\\{status="firing",version="${version}"[^}]*\\} [1-9]`));
    expect(metrics).toMatch(/alertmanager_notifications_total\{integration="webhook"[^}]*\} [1-9]/);
  }, 120_000);
});
