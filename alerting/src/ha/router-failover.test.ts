import { createTestDatabase, type TestDatabase } from '../../../test/helpers/postgres';
import { waitFor } from '../../../test/helpers/processes';
import { postAlerts, startRouterProcess, type RouterProcess } from './testing/router-process';
import { startWebhookSink, type WebhookSink } from './testing/webhook-sink';

/**
 * Issue 5: "If one replica dies, the others keep notifying without a gap longer than one group
 * interval." The hard case is a replica killed mid-send: its claim must lapse within the short
 * lease (its heartbeat stops), and the survivor, which found the claim live, must take over
 * then rather than at its next flush. With the lease of group_interval + 30 s that this
 * replaced, the gap here was over 60 s; the bound asserted is group_interval (30 s), with a
 * 3 s lease, so a loaded machine has ample room.
 */
jest.setTimeout(180_000);

const GROUP_INTERVAL_MS = 30_000;

describe('a router replica killed mid-send', () => {
  let db: TestDatabase;
  let sink: WebhookSink;
  let replicas: RouterProcess[] = [];
  const config = (sinkUrl: string) => `
route:
  receiver: pager
  group_by: [alertname]
  group_wait: 1s
  group_interval: ${GROUP_INTERVAL_MS / 1000}s
  repeat_interval: 1h
receivers:
- name: pager
  webhook_configs:
  - url: ${sinkUrl}/pager
`;

  beforeAll(async () => {
    db = await createTestDatabase();
    sink = await startWebhookSink();
    const start = (name: string) => startRouterProcess(config(sink.url), db.url, { ROUTER_REPLICA_NAME: name, ROUTER_SEND_CLAIM_LEASE: '3s' });
    replicas = await Promise.all([start('replica-a'), start('replica-b')]);
  });
  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.stop()));
    await sink.close();
    await db.drop();
  });

  it('the survivor delivers the group within one group_interval of the kill, once', async () => {
    // The first delivery is held unanswered: its sender is mid-send when it is killed.
    sink.hold();
    await Promise.all(replicas.map((r) => postAlerts(r.url, [{ labels: { alertname: 'Freezer', instance: 'f1' } }])));
    await waitFor(async () => sink.held.length === 1, 30_000, 50);
    const claim = await db.pool.query<{ claim_owner: string }>('SELECT claim_owner FROM router_notify_state WHERE claim_token IS NOT NULL');
    expect(claim.rows).toHaveLength(1);
    const owner = claim.rows[0].claim_owner;
    const names = ['replica-a', 'replica-b'];
    const dead = replicas[names.indexOf(owner)];
    const survivor = replicas[1 - names.indexOf(owner)];
    const survivorName = names[1 - names.indexOf(owner)];

    await dead.kill();
    const killedAt = Date.now();
    replicas = [survivor];

    const delivered = await waitFor(async () => sink.received[0], 2 * GROUP_INTERVAL_MS + 30_000, 50);
    const gapMs = delivered.at - killedAt;
    // Printed for the ADR's figures; the assertion is the bound.
    console.log(`failover: survivor delivered ${gapMs} ms after the kill (group_interval ${GROUP_INTERVAL_MS} ms, lease 3000 ms)`);
    expect(gapMs).toBeLessThan(GROUP_INTERVAL_MS);
    expect(delivered.body.alerts?.map((a) => a.status)).toEqual(['firing']);

    // Exactly once from here on: nothing more arrives, and the history shows the survivor's send.
    const from = Date.now();
    await waitFor(async () => Date.now() - from > 5_000, 10_000, 250);
    expect(sink.received).toHaveLength(1);
    expect(sink.held).toHaveLength(1);
    const history = (await (await fetch(`${survivor.url}/api/v2/notifications`)).json()) as { notifications: { replica: string; outcome: string }[] };
    expect(history.notifications.map((n) => [n.replica, n.outcome])).toEqual([[survivorName, 'success']]);
  });
});
