import { createPool, type Pool } from '../../../platform/db/pool';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/postgres';
import { SendClaims, type Claim, type ClaimResult, type NotifyKey } from './send-claims';

/**
 * Several "replicas" (each with a pool of its own, as separate processes would have) race to
 * claim the same flush on one real PostgreSQL.
 */
describe('SendClaims on PostgreSQL', () => {
  let db: TestDatabase;
  const pools: Pool[] = [];
  let replicas: SendClaims[];
  const t0 = new Date('2026-11-25T10:00:00Z');
  const at = (ms: number) => new Date(t0.getTime() + ms);
  const facts = { firing: ['f1', 'f2'], resolved: [], sendResolved: true, repeatIntervalMs: 60_000, leaseMs: 5_000 };
  let n = 0;
  const newKey = (): NotifyKey => ({ receiver: 'team', integration: 'webhook[0]', groupKey: `{}:{alertname="A${++n}"}` });

  beforeAll(async () => {
    db = await createTestDatabase();
    replicas = Array.from({ length: 6 }, (_, i) => {
      const pool = createPool(db.url, { max: 2 });
      pools.push(pool);
      return new SendClaims(pool, `replica-${i}`);
    });
  });
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.end()));
    await db.drop();
  });

  const race = (key: NotifyKey, now: Date): Promise<ClaimResult[]> => Promise.all(replicas.map((r) => r.claim(key, { ...facts, now })));
  const winners = (results: ClaimResult[]) => results.filter((r) => r.claimed);
  const renewed = async (r: SendClaims, c: Claim, now: Date) => (await r.renew([c], now)).has(c.token);

  it('exactly one of N concurrent replicas wins each flush', async () => {
    for (let round = 0; round < 5; round++) {
      const key = newKey();
      const results = await race(key, t0);
      expect(winners(results)).toHaveLength(1);
      expect(results.filter((r) => !r.claimed).map((r) => (r as { reason: string }).reason)).toEqual(Array(5).fill('claimed'));
    }
  });

  it('after a successful send nobody re-sends within repeat_interval, then exactly one repeats', async () => {
    const key = newKey();
    const results = await race(key, t0);
    const i = results.findIndex((r) => r.claimed);
    const won = results[i];
    if (!won.claimed) throw new Error('expected one winner');
    expect(await replicas[i].settle(won.claim, true)).toBe(true);
    const later = await race(key, at(30_000));
    expect(winners(later)).toHaveLength(0);
    expect(later.every((r) => !r.claimed && r.reason === 'unchanged')).toBe(true);
    expect(winners(await race(key, at(61_000)))).toHaveLength(1);
  });

  it('a failed send gives the claim back so the next tick retries at once', async () => {
    const key = newKey();
    const first = await replicas[0].claim(key, { ...facts, now: t0 });
    if (!first.claimed) throw new Error('expected a claim');
    expect(await replicas[0].settle(first.claim, false)).toBe(true);
    expect(winners(await race(key, at(1000)))).toHaveLength(1);
  });

  it("a dead replica's claim lapses after the lease and another replica takes over", async () => {
    const key = newKey();
    const dead = await replicas[0].claim(key, { ...facts, now: t0 });
    expect(dead.claimed).toBe(true);
    // replica-0 "dies" without settling: within the lease nobody sends…
    expect(winners(await race(key, at(4_999)))).toHaveLength(0);
    // …after it, exactly one survivor does.
    const takeover = await Promise.all(replicas.slice(1).map((r) => r.claim(key, { ...facts, now: at(5_001) })));
    expect(winners(takeover)).toHaveLength(1);
    // The dead replica's late success must not overwrite the survivor's claim.
    if (!dead.claimed) throw new Error('unreachable');
    expect(await replicas[0].settle(dead.claim, true)).toBe(false);
    const state = await db.pool.query('SELECT claim_owner FROM router_notify_state WHERE group_key = $1', [key.groupKey]);
    expect(state.rows[0].claim_owner).not.toBe('replica-0');
  });

  it('tells a losing replica how long the live claim still runs', async () => {
    const key = newKey();
    expect((await replicas[0].claim(key, { ...facts, now: t0 })).claimed).toBe(true);
    expect(await replicas[1].claim(key, { ...facts, now: at(1_500) })).toEqual({ claimed: false, reason: 'claimed', retryInMs: 3_500 });
  });

  it('a claim not renewed lapses after one lease and another replica claims', async () => {
    const key = newKey();
    const first = await replicas[0].claim(key, { ...facts, now: t0 });
    if (!first.claimed) throw new Error('expected a claim');
    expect(await renewed(replicas[0], first.claim, at(1_000))).toBe(true);
    // Renewed at 1 s for one lease: live until 6 s, lapsed after, with no renewal since.
    expect(winners(await race(key, at(5_999)))).toHaveLength(0);
    const takeover = await Promise.all(replicas.slice(1).map((r) => r.claim(key, { ...facts, now: at(6_001) })));
    expect(winners(takeover)).toHaveLength(1);
    // The old holder's heartbeat now learns it lost the claim, and extends nothing.
    expect(await renewed(replicas[0], first.claim, at(6_100))).toBe(false);
    const owner = await db.pool.query('SELECT claim_owner FROM router_notify_state WHERE group_key = $1', [key.groupKey]);
    expect(owner.rows[0].claim_owner).not.toBe('replica-0');
  });

  it('a claim renewed every quarter lease is not overtaken, even after several lease lengths', async () => {
    const key = newKey();
    const holder = await replicas[0].claim(key, { ...facts, now: t0 });
    if (!holder.claimed) throw new Error('expected a claim');
    for (let ms = 1_250; ms <= 5 * facts.leaseMs; ms += 1_250) {
      expect(await renewed(replicas[0], holder.claim, at(ms))).toBe(true);
      const others = await Promise.all(replicas.slice(1).map((r) => r.claim(key, { ...facts, now: at(ms + 1_000) })));
      expect(winners(others)).toHaveLength(0);
    }
    // 25 s after the claim (five leases) the slow sender settles, and nobody sends again.
    expect(await replicas[0].settle(holder.claim, true)).toBe(true);
    expect(winners(await race(key, at(40_000)))).toHaveLength(0);
  });

  it('a stale token can neither settle, release nor renew over the newer claim', async () => {
    const key = newKey();
    const stale = await replicas[0].claim(key, { ...facts, now: t0 });
    if (!stale.claimed) throw new Error('expected a claim');
    const newer = await replicas[1].claim(key, { ...facts, firing: ['f1', 'f2', 'f3'], now: at(6_000) });
    if (!newer.claimed) throw new Error('expected the takeover');
    expect(await replicas[0].settle(stale.claim, true)).toBe(false);
    expect(await replicas[0].settle(stale.claim, false)).toBe(false);
    expect(await renewed(replicas[0], stale.claim, at(6_500))).toBe(false);
    const row = async () =>
      (await db.pool.query('SELECT claim_owner, claim_expires_at, firing_fingerprints, last_sent_at FROM router_notify_state WHERE group_key = $1', [key.groupKey])).rows[0];
    expect(await row()).toEqual({ claim_owner: 'replica-1', claim_expires_at: at(11_000), firing_fingerprints: [], last_sent_at: null });
    expect(await replicas[1].settle(newer.claim, true)).toBe(true);
    expect(await row()).toEqual({ claim_owner: null, claim_expires_at: null, firing_fingerprints: ['f1', 'f2', 'f3'], last_sent_at: at(6_000) });
  });

  it('renews all of a replica\'s claims in one statement, and only those still its own', async () => {
    const keys = [newKey(), newKey(), newKey()];
    const held = await Promise.all(keys.map((k) => replicas[0].claim(k, { ...facts, now: t0 })));
    const claims = held.map((r) => {
      if (!r.claimed) throw new Error('expected a claim');
      return r.claim;
    });
    // The third lapses and is taken over; the first two are renewed at 4 s, until 9 s.
    const takeover = await replicas[1].claim(keys[2], { ...facts, now: at(5_500) });
    expect(takeover.claimed).toBe(true);
    expect(await replicas[0].renew(claims, at(4_000))).toEqual(new Set([claims[0].token, claims[1].token]));
    expect(winners(await race(keys[0], at(8_999)))).toHaveLength(0);
    expect(winners(await race(keys[1], at(8_999)))).toHaveLength(0);
    expect(winners(await race(keys[1], at(9_001)))).toHaveLength(1);
  });

  it('tells a waiting replica, by a read, how long the current claim still runs on the database clock', async () => {
    const key = newKey();
    expect(await replicas[1].leaseLeft(key)).toBe(0);
    const r = await replicas[0].claim(key, facts);
    if (!r.claimed) throw new Error('expected a claim');
    const left = await replicas[1].leaseLeft(key);
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThanOrEqual(facts.leaseMs);
    await replicas[0].settle(r.claim, true);
    expect(await replicas[1].leaseLeft(key)).toBe(0);
  });

  it('records every attempt in the history', async () => {
    const key = newKey();
    const r = await replicas[1].claim(key, { ...facts, now: t0 });
    if (!r.claimed) throw new Error('expected a claim');
    await replicas[1].recordAttempt(r.claim, { attempt: 1, ok: false, error: 'webhook: unexpected status code 503' });
    await replicas[1].recordAttempt(r.claim, { attempt: 2, ok: true, durationMs: 12 });
    await replicas[1].settle(r.claim, true);
    const rows = await db.pool.query(
      'SELECT attempt, outcome, error, replica, firing_fingerprints FROM router_notification_log WHERE group_key = $1 ORDER BY id',
      [key.groupKey],
    );
    expect(rows.rows).toEqual([
      { attempt: 1, outcome: 'failure', error: 'webhook: unexpected status code 503', replica: 'replica-1', firing_fingerprints: ['f1', 'f2'] },
      { attempt: 2, outcome: 'success', error: null, replica: 'replica-1', firing_fingerprints: ['f1', 'f2'] },
    ]);
  });
});
