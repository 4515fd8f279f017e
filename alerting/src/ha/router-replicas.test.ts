import { createTestDatabase, type TestDatabase } from '../../../test/helpers/postgres';
import { waitFor } from '../../../test/helpers/processes';
import { postAlerts, startRouterProcess, type RouterProcess } from './testing/router-process';
import { startWebhookSink, type WebhookSink } from './testing/webhook-sink';

/**
 * Issue 5 "Done when": two replicas on one PostgreSQL receive the same alerts (as from
 * Prometheus) and deliver exactly one notification per group per change; after one is
 * killed the other carries on.
 */
jest.setTimeout(180_000);

describe('two router replicas on one PostgreSQL', () => {
  let db: TestDatabase;
  let sink: WebhookSink;
  let replicas: RouterProcess[] = [];
  const config = (sinkUrl: string) => `
route:
  receiver: pager
  group_by: [alertname]
  group_wait: 1s
  # Claims are leased for min(ROUTER_SEND_CLAIM_LEASE, group_interval): 5 s leaves a loaded CI
  # machine a 3.75 s stall before a live claimant could be overtaken (ADR 0035).
  group_interval: 5s
  repeat_interval: 1h
receivers:
- name: pager
  webhook_configs:
  - url: ${sinkUrl}/pager
`;
  const pages = (alertname: string) => sink.received.filter((r) => r.body.groupKey?.includes(`alertname="${alertname}"`));
  const quietFor = (ms: number) => {
    const from = Date.now();
    return waitFor(async () => Date.now() - from > ms, ms + 5_000, 250);
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    sink = await startWebhookSink();
    replicas = await Promise.all([startRouterProcess(config(sink.url), db.url), startRouterProcess(config(sink.url), db.url)]);
  });
  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.stop()));
    await sink.close();
    await db.drop();
  });

  const toAll = (alerts: Parameters<typeof postAlerts>[1], targets = replicas) => Promise.all(targets.map((r) => postAlerts(r.url, alerts)));

  it('sends one notification per group, then the survivor carries on alone', async () => {
    await toAll([
      { labels: { alertname: 'Freezer', instance: 'f1' } },
      { labels: { alertname: 'Door', instance: 'd1' } },
    ]);
    await waitFor(async () => pages('Freezer').length >= 1 && pages('Door').length >= 1, 30_000);
    await quietFor(7_000);
    expect(pages('Freezer')).toHaveLength(1);
    expect(pages('Door')).toHaveLength(1);

    // The group changes: once more, from one replica.
    await toAll([{ labels: { alertname: 'Freezer', instance: 'f2' } }]);
    await waitFor(async () => pages('Freezer').length >= 2, 30_000);
    await quietFor(7_000);
    expect(pages('Freezer')).toHaveLength(2);
    expect(pages('Freezer')[1].body.alerts?.length).toBe(2);

    const [dead, survivor] = replicas;
    await dead.kill();
    replicas = [survivor];
    await toAll([{ labels: { alertname: 'Freezer', instance: 'f3' } }, { labels: { alertname: 'Walkin', instance: 'w1' } }]);
    await waitFor(async () => pages('Freezer').length >= 3 && pages('Walkin').length >= 1, 30_000);
    await quietFor(7_000);
    expect(pages('Freezer')).toHaveLength(3);
    expect(pages('Walkin')).toHaveLength(1);
    expect(pages('Door')).toHaveLength(1);

    const history = (await (await fetch(`${survivor.url}/api/v2/notifications`)).json()) as { notifications: { replica: string; outcome: string }[] };
    expect(history.notifications).toHaveLength(5);
    expect(new Set(history.notifications.map((n) => n.outcome))).toEqual(new Set(['success']));
  });
});
