import pino from 'pino';
import { createPool, type Pool } from '../../../platform/db/pool';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/postgres';
import { RetryStage } from '../notify/retry-stage';
import type { FlushContext } from '../notify/stage';
import { WebhookNotifier } from '../notify/webhook/webhook-notifier';
import { systemClock } from '../types/clock';
import type { Alert } from '../types/alert';
import { ClaimedIntegrationStage } from './claimed-integration-stage';
import { SendClaims } from './send-claims';
import { startWebhookSink, type WebhookSink } from './testing/webhook-sink';

const logger = pino({ level: 'silent' });

/**
 * Replicas flushing the same group at the same moment, each through its own pool and the
 * real webhook notifier, against a real HTTP server: one delivery per flush.
 */
describe('ClaimedIntegrationStage', () => {
  let db: TestDatabase;
  let sink: WebhookSink;
  const pools: Pool[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    sink = await startWebhookSink();
  });
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.end()));
    await sink.close();
    await db.drop();
  });

  function replica(name: string, path: string): ClaimedIntegrationStage {
    const pool = createPool(db.url, { max: 2 });
    pools.push(pool);
    const notifier = new WebhookNotifier({ sendResolved: true, httpConfig: { followRedirects: true, enableHttp2: true }, url: `${sink.url}${path}`, maxAlerts: 0 });
    return new ClaimedIntegrationStage({
      claims: new SendClaims(pool, name),
      notifier,
      index: 0,
      retry: (n) => new RetryStage(n, 0, systemClock, logger),
      leaseMs: () => 10_000,
    });
  }

  const alert = (name: string, endsInMs: number): Alert => {
    const now = Date.now();
    return { labels: { alertname: name }, annotations: {}, startsAt: new Date(now - 1000), endsAt: new Date(now + endsInMs), generatorURL: '', updatedAt: new Date(now), fingerprint: `fp-${name}` };
  };
  const ctx = (groupKey: string): FlushContext => ({
    receiver: 'team',
    groupKey,
    groupLabels: {},
    integrationIndex: 0,
    externalURL: 'http://router.test',
    now: new Date(),
    repeatIntervalMs: 3600_000,
    muteTimeIntervals: [],
    activeTimeIntervals: [],
  });

  it('three replicas flushing one group deliver exactly once, and again only when it changes', async () => {
    const stages = ['r1', 'r2', 'r3'].map((r) => replica(r, '/once'));
    const a = alert('A', 60_000);
    await Promise.all(stages.map((s) => s.exec(ctx('{}:{alertname="A"}'), [a])));
    expect(sink.received.filter((r) => r.path === '/once')).toHaveLength(1);
    await Promise.all(stages.map((s) => s.exec(ctx('{}:{alertname="A"}'), [a])));
    expect(sink.received.filter((r) => r.path === '/once')).toHaveLength(1);
    const b = alert('B', 60_000);
    await Promise.all(stages.map((s) => s.exec(ctx('{}:{alertname="A"}'), [a, b])));
    const got = sink.received.filter((r) => r.path === '/once');
    expect(got).toHaveLength(2);
    expect(got[1].body.alerts?.map((x) => x.fingerprint).sort()).toEqual(['fp-A', 'fp-B']);
  });

  it('retries a 503, records every attempt, and a failed flush lets the next one retry', async () => {
    const stage = replica('r1', '/retry');
    const groupKey = '{}:{alertname="R"}';
    sink.respondWith(503, 200);
    await stage.exec(ctx(groupKey), [alert('R', 60_000)]);
    sink.respondWith(400);
    const other = '{}:{alertname="S"}';
    await expect(stage.exec(ctx(other), [alert('S', 60_000)])).rejects.toThrow(/unrecoverable/);
    await stage.exec(ctx(other), [alert('S', 60_000)]);
    const rows = await db.pool.query(
      `SELECT group_key, attempt, outcome, error FROM router_notification_log WHERE group_key IN ($1, $2) ORDER BY id`,
      [groupKey, other],
    );
    expect(rows.rows.map((r) => [r.group_key, r.attempt, r.outcome])).toEqual([
      [groupKey, 1, 'failure'],
      [groupKey, 2, 'success'],
      [other, 1, 'failure'],
      [other, 1, 'success'],
    ]);
    expect(rows.rows[0].error).toMatch(/503/);
    expect(sink.received.filter((r) => r.path === '/retry')).toHaveLength(2);
  });
});
