import { createTestDatabase, type TestDatabase } from '../../../test/helpers/postgres';
import { waitFor } from '../../../test/helpers/processes';
import { postAlerts, startRouterProcess, type RouterProcess } from './testing/router-process';
import { startWebhookSink, type WebhookSink } from './testing/webhook-sink';

jest.setTimeout(180_000);

/**
 * Issue 5 "Done when": ack stops repeats; escalation fires after the configured delay and not
 * before — here end to end through `freshtrack alerting`, its config extension fields and the
 * ack endpoint the control plane forwards to.
 */
describe('acknowledgement and escalation through the router process', () => {
  let db: TestDatabase;
  let sink: WebhookSink;
  let router: RouterProcess;
  const config = (sinkUrl: string) => `
route:
  receiver: pager
  group_by: [alertname]
  group_wait: 500ms
  group_interval: 1s
  repeat_interval: 2s
  escalate_to: [shift-lead]
  routes:
  - matchers: ['team="kitchen"']
    escalate_after: 4s
receivers:
- name: pager
  webhook_configs:
  - url: ${sinkUrl}/pager
- name: shift-lead
  webhook_configs:
  - url: ${sinkUrl}/lead
`;
  const at = (path: string, alertname: string) => sink.received.filter((r) => r.path === path && r.body.groupKey?.includes(`alertname="${alertname}"`));
  const elapse = (ms: number) => {
    const from = Date.now();
    return waitFor(async () => Date.now() - from > ms, ms + 5_000, 200);
  };
  const ack = (groupKey: string, body: unknown) =>
    fetch(`${router.url}/api/v2/alerts/groups/${encodeURIComponent(groupKey)}/ack`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

  beforeAll(async () => {
    db = await createTestDatabase();
    sink = await startWebhookSink();
    router = await startRouterProcess(config(sink.url), db.url, { ROUTER_ESCALATION_TICK: '250ms' });
  });
  afterAll(async () => {
    await router.stop();
    await sink.close();
    await db.drop();
  });

  it('an ack stops repeats until a new alert joins the group', async () => {
    await postAlerts(router.url, [{ labels: { alertname: 'Repeats', site: 'k1' } }]);
    await waitFor(async () => at('/pager', 'Repeats').length >= 2, 30_000);
    const groupKey = at('/pager', 'Repeats')[0].body.groupKey as string;
    const res = await ack(groupKey, { acknowledgedBy: 'maria@example.com', comment: 'on it' });
    expect(res.status).toBe(200);
    const afterAck = at('/pager', 'Repeats').length;
    await elapse(5_000);
    // A repeat already claimed when the ack landed may still arrive; none after it.
    expect(at('/pager', 'Repeats').length).toBeLessThanOrEqual(afterAck + 1);
    const settled = at('/pager', 'Repeats').length;
    await elapse(4_000);
    expect(at('/pager', 'Repeats')).toHaveLength(settled);

    await postAlerts(router.url, [{ labels: { alertname: 'Repeats', site: 'k2' } }]);
    await waitFor(async () => at('/pager', 'Repeats').length > settled, 30_000);
    expect(at('/pager', 'Repeats')[settled].body.alerts).toHaveLength(2);

    const bad = await ack(groupKey, { comment: 'who?' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ field: 'acknowledgedBy' });
    const history = (await (await fetch(`${router.url}/api/v2/notifications?groupKey=${encodeURIComponent(groupKey)}`)).json()) as { notifications: unknown[] };
    expect(history.notifications.length).toBe(at('/pager', 'Repeats').length);
  });

  it('escalates an unacknowledged group after escalate_after and not before; an acked one never', async () => {
    const posted = Date.now();
    await postAlerts(router.url, [
      { labels: { alertname: 'Unanswered', team: 'kitchen' } },
      { labels: { alertname: 'Answered', team: 'kitchen' } },
    ]);
    await waitFor(async () => at('/pager', 'Answered').length >= 1 && at('/pager', 'Unanswered').length >= 1, 30_000);
    const answered = at('/pager', 'Answered')[0];
    expect((await ack(answered.body.groupKey as string, { acknowledgedBy: 'lead@example.com' })).status).toBe(200);

    await waitFor(async () => at('/lead', 'Unanswered').length >= 1, 30_000);
    const firstPage = at('/pager', 'Unanswered')[0].at;
    expect(at('/lead', 'Unanswered')[0].at - firstPage).toBeGreaterThanOrEqual(4_000);
    expect(at('/lead', 'Unanswered')[0].body.receiver).toBe('shift-lead');
    await elapse(3_000);
    expect(at('/lead', 'Unanswered')).toHaveLength(1);
    expect(at('/lead', 'Answered')).toHaveLength(0);
    expect(Date.now() - posted).toBeGreaterThan(4_000);

    // The group resolves: the shift lead, who was paged, is told too.
    await postAlerts(router.url, [{ labels: { alertname: 'Unanswered', team: 'kitchen' }, endsAt: new Date(Date.now() - 1000).toISOString() }]);
    await waitFor(async () => at('/lead', 'Unanswered').some((r) => r.body.status === 'resolved'), 30_000);
    expect(at('/pager', 'Unanswered').some((r) => r.body.status === 'resolved')).toBe(true);
    expect(at('/lead', 'Answered')).toHaveLength(0);
  });

  it('a food-safety alert gets the default 15m escalation along the inherited chain', async () => {
    await postAlerts(router.url, [{ labels: { alertname: 'ColdHolding', category: 'food-safety' } }]);
    await waitFor(async () => at('/pager', 'ColdHolding').length >= 1, 30_000);
    const row = await waitFor(async () => (await db.pool.query(`SELECT after_ms::float8 AS "afterMs", chain FROM router_escalations WHERE group_key LIKE '%ColdHolding%'`)).rows[0], 15_000);
    expect(row).toEqual({ afterMs: 15 * 60_000, chain: ['shift-lead'] });
    expect(at('/lead', 'ColdHolding')).toHaveLength(0);
  });
});
