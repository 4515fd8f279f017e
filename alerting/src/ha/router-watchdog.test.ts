import { createTestDatabase, type TestDatabase } from '../../../test/helpers/postgres';
import { waitFor } from '../../../test/helpers/processes';
import { postAlerts, startRouterProcess, type RouterProcess } from './testing/router-process';
import { startWebhookSink, type WebhookSink } from './testing/webhook-sink';

jest.setTimeout(180_000);

/**
 * Issue 5 "Watchdog": the always-firing Watchdog keeps a heartbeat going to an external
 * dead man's switch; when it stops arriving, the router pages on-call itself
 * (WatchdogMissing), a path that does not need Prometheus. See ADR 0036.
 */
describe('Watchdog dead man’s switch', () => {
  let db: TestDatabase;
  let sink: WebhookSink;
  let router: RouterProcess;
  const config = (sinkUrl: string) => `
route:
  receiver: oncall
  group_by: [alertname]
  group_wait: 500ms
  group_interval: 1s
  repeat_interval: 1h
  routes:
  - matchers: ['alertname="Watchdog"']
    receiver: deadmans-switch
    repeat_interval: 1s
receivers:
- name: oncall
  webhook_configs:
  - url: ${sinkUrl}/oncall
- name: deadmans-switch
  webhook_configs:
  - url: ${sinkUrl}/heartbeat
`;
  const at = (path: string) => sink.received.filter((r) => r.path === path);
  const watchdog = () => postAlerts(router.url, [{ labels: { alertname: 'Watchdog', severity: 'none' }, endsAt: new Date(Date.now() + 2_000).toISOString() }]);

  beforeAll(async () => {
    db = await createTestDatabase();
    sink = await startWebhookSink();
    router = await startRouterProcess(config(sink.url), db.url, { ROUTER_WATCHDOG_TIMEOUT: '3s' });
  });
  afterAll(async () => {
    await router.stop();
    await sink.close();
    await db.drop();
  });

  it('heartbeats while Watchdog arrives, pages on-call when it stops, and resolves when it is back', async () => {
    // Prometheus re-sends the firing Watchdog every evaluation; here every 500 ms.
    const until = Date.now() + 5_000;
    await waitFor(async () => {
      await watchdog();
      return Date.now() > until;
    }, 15_000, 500);
    expect(at('/heartbeat').length).toBeGreaterThanOrEqual(2);
    expect(at('/oncall')).toHaveLength(0);

    // Prometheus goes quiet: no Watchdog for longer than the timeout.
    await waitFor(async () => at('/oncall').length >= 1, 30_000);
    const page = at('/oncall')[0].body;
    expect(page.status).toBe('firing');
    expect(page.alerts?.[0]).toMatchObject({ status: 'firing' });
    expect(JSON.stringify(page)).toContain('WatchdogMissing');

    // It comes back: WatchdogMissing is no longer refreshed and resolves.
    await waitFor(
      async () => {
        await watchdog();
        return at('/oncall').some((r) => r.body.status === 'resolved');
      },
      30_000,
      500,
    );
  });
});
