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
import { waitFor } from '../../../test/helpers/processes';

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

  function claimsOf(name: string, leaseMs?: number): SendClaims {
    const pool = createPool(db.url, { max: 2 });
    pools.push(pool);
    return new SendClaims(pool, name, undefined, leaseMs);
  }

  function replica(name: string, path: string, leaseMs = 1000): ClaimedIntegrationStage {
    const notifier = new WebhookNotifier({ sendResolved: true, httpConfig: { followRedirects: true, enableHttp2: true }, url: `${sink.url}${path}`, maxAlerts: 0 });
    return new ClaimedIntegrationStage({
      claims: claimsOf(name, leaseMs),
      notifier,
      index: 0,
      retry: (n) => new RetryStage(n, 0, systemClock, logger),
      maxLeaseMs: () => 10_000,
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

describe('ClaimedIntegrationStage lease', () => {
  let db: TestDatabase;
  let sink: WebhookSink;
  const pools: Pool[] = [];
  const leaseMs = 1000;

  beforeAll(async () => {
    db = await createTestDatabase();
    sink = await startWebhookSink();
  });
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.end()));
    await sink.close();
    await db.drop();
  });

  function claimsOf(name: string): SendClaims {
    const pool = createPool(db.url, { max: 2 });
    pools.push(pool);
    return new SendClaims(pool, name, undefined, leaseMs);
  }
  function replica(name: string): ClaimedIntegrationStage {
    const notifier = new WebhookNotifier({ sendResolved: true, httpConfig: { followRedirects: true, enableHttp2: true }, url: `${sink.url}/lease`, maxAlerts: 0 });
    // group_interval 60 s: only the configured lease (1 s) decides when a claim lapses.
    return new ClaimedIntegrationStage({ claims: claimsOf(name), notifier, index: 0, retry: (n) => new RetryStage(n, 0, systemClock, logger), maxLeaseMs: () => 60_000 });
  }
  const a = (name: string): Alert => {
    const now = Date.now();
    return { labels: { alertname: name }, annotations: {}, startsAt: new Date(now - 1000), endsAt: new Date(now + 600_000), generatorURL: '', updatedAt: new Date(now), fingerprint: `fp-${name}` };
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
  const state = async (groupKey: string) =>
    (await db.pool.query('SELECT claim_owner, claim_expires_at FROM router_notify_state WHERE group_key = $1', [groupKey])).rows[0] as { claim_owner: string | null; claim_expires_at: Date | null };
  const attempts = async (groupKey: string) =>
    (await db.pool.query('SELECT replica, outcome FROM router_notification_log WHERE group_key = $1 ORDER BY id', [groupKey])).rows;

  it('a slow but alive claimant renews its claim: another replica waits on it for several leases, sends nothing, and then finds the log moved on', async () => {
    const groupKey = '{}:{alertname="Slow"}';
    const [slow, other] = [replica('slow'), replica('other')];
    sink.hold();
    const first = slow.exec(ctx(groupKey), [a('Slow')]);
    await waitFor(async () => sink.held.length === 1, 10_000, 20);
    let otherDone = false;
    const second = other.exec(ctx(groupKey), [a('Slow')]).finally(() => (otherDone = true));
    const claimed = await state(groupKey);
    // Hold the claimant mid-send for four leases.
    await waitFor(async () => (await state(groupKey)).claim_expires_at!.getTime() >= claimed.claim_expires_at!.getTime() + 3 * leaseMs, 30_000, 100);
    expect((await state(groupKey)).claim_owner).toBe('slow');
    expect(otherDone).toBe(false);
    sink.release();
    await Promise.all([first, second]);
    expect(sink.received.filter((r) => r.body.groupKey === groupKey)).toHaveLength(1);
    expect(await attempts(groupKey)).toEqual([{ replica: 'slow', outcome: 'success' }]);
    expect(await state(groupKey)).toEqual({ claim_owner: null, claim_expires_at: null });
  });

  it('a replica that finds a dead claimant\'s claim sends as soon as the lease lapses, in the same flush', async () => {
    const groupKey = '{}:{alertname="Orphan"}';
    // The dead replica claimed and never renewed nor settled (it was killed mid-send).
    const dead = await claimsOf('dead').claim(
      { receiver: 'team', integration: 'webhook[0]', groupKey },
      { firing: ['fp-Orphan'], resolved: [], sendResolved: true, repeatIntervalMs: 3600_000, leaseMs },
    );
    expect(dead.claimed).toBe(true);
    await replica('survivor').exec(ctx(groupKey), [a('Orphan')]);
    expect(sink.received.filter((r) => r.body.groupKey === groupKey)).toHaveLength(1);
    expect(await attempts(groupKey)).toEqual([{ replica: 'survivor', outcome: 'success' }]);
  });

  it('a flush gives up waiting on a live claim at its deadline (group_interval), without sending', async () => {
    const groupKey = '{}:{alertname="Deadline"}';
    const holder = claimsOf('holder');
    const held = await holder.claim({ receiver: 'team', integration: 'webhook[0]', groupKey }, { firing: ['fp-Deadline'], resolved: [], sendResolved: true, repeatIntervalMs: 3600_000, leaseMs: 60_000 });
    expect(held.claimed).toBe(true);
    const deadline = new AbortController();
    const flush = replica('waiter').exec({ ...ctx(groupKey), signal: deadline.signal }, [a('Deadline')]);
    deadline.abort();
    await expect(flush).resolves.toEqual([expect.anything(), []]);
    expect(sink.received.filter((r) => r.body.groupKey === groupKey)).toHaveLength(0);
  });
});
