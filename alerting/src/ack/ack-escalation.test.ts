import express from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import axios from 'axios';
import { createPool, type Pool } from '../../../platform/db/pool';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/postgres';
import { SendClaims, type NotifyKey } from '../ha/send-claims';
import type { Clock } from '../types/clock';
import { ackRouter } from './ack-router';
import { lockGroupAcks } from './ack-store';
import type { EscalationPolicy } from './domain/escalation-policy';
import { Escalator } from './escalator';

const logger = pino({ level: 'silent' });
const MIN = 60_000;

/** A clock the test moves by hand: escalation must fire after the delay and not before. */
function manualClock(start: Date): Clock & { set(ms: number): void } {
  let now = start.getTime();
  return { now: () => new Date(now), setTimeout: () => undefined, clearTimeout: () => undefined, set: (ms) => (now = start.getTime() + ms) };
}

describe('acknowledgement and escalation', () => {
  let db: TestDatabase;
  let server: Server;
  let base: string;
  const pools: Pool[] = [];
  const t0 = new Date('2026-11-25T10:00:00Z');
  const at = (ms: number) => new Date(t0.getTime() + ms);
  let claims: SendClaims;

  beforeAll(async () => {
    db = await createTestDatabase();
    claims = new SendClaims(db.pool, 'r1');
    const app = express();
    app.use(ackRouter(db.pool, logger));
    server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await Promise.all(pools.map((p) => p.end()));
    await db.drop();
  });

  const flush = { resolved: [], sendResolved: true, repeatIntervalMs: 10 * MIN, leaseMs: MIN };
  async function notified(key: NotifyKey, firing: string[], now: Date) {
    const r = await claims.claim(key, { ...flush, firing, now });
    if (!r.claimed) throw new Error(`expected to send, got ${r.reason}`);
    await claims.settle(r.claim, true);
  }
  const ack = (groupKey: string, body: unknown) =>
    axios.post(`${base}/api/v2/alerts/groups/${encodeURIComponent(groupKey)}/ack`, body, { validateStatus: () => true });

  it('an ack stops repeats until the firing set grows, and is kept in the trail', async () => {
    const key = { receiver: 'kitchen', integration: 'webhook[0]', groupKey: '{}/{site="k1"}:{alertname="ColdHolding"}' };
    await notified(key, ['a'], t0);
    const res = await ack(key.groupKey, { acknowledgedBy: 'maria@example.com', comment: 'moving stock to walk-in 2' });
    expect(res.status).toBe(200);
    expect(res.data).toMatchObject({ groupKey: key.groupKey, acknowledgedBy: 'maria@example.com', comment: 'moving stock to walk-in 2', firingFingerprints: ['a'] });

    const repeat = await claims.claim(key, { ...flush, firing: ['a'], now: at(11 * MIN) });
    expect(repeat).toEqual({ claimed: false, reason: 'acknowledged' });
    const grown = await claims.claim(key, { ...flush, firing: ['a', 'b'], now: at(12 * MIN) });
    expect(grown.claimed).toBe(true);

    const trail = await axios.get(`${base}/api/v2/alerts/groups/${encodeURIComponent(key.groupKey)}/acks`);
    expect(trail.data).toHaveLength(1);
    expect(trail.data[0]).toMatchObject({ acknowledgedBy: 'maria@example.com', clearedReason: 'firing set changed' });
  });

  it('rejects bad acks with the field named, and unknown groups with 404', async () => {
    const key = { receiver: 'kitchen', integration: 'webhook[0]', groupKey: '{}:{alertname="Door"}' };
    await notified(key, ['d'], t0);
    expect((await ack(key.groupKey, {})).data).toMatchObject({ code: 400, field: 'acknowledgedBy' });
    expect((await ack(key.groupKey, { acknowledgedBy: 'x', comment: 5 })).data).toMatchObject({ code: 400, field: 'comment' });
    expect((await ack(key.groupKey, [1])).status).toBe(400);
    const notJson = await axios.post(`${base}/api/v2/alerts/groups/${encodeURIComponent(key.groupKey)}/ack`, 'acknowledgedBy=x', {
      headers: { 'Content-Type': 'text/plain' },
      validateStatus: () => true,
    });
    expect(notJson.status).toBe(415);
    const unknown = await ack('{}:{alertname="Never"}', { acknowledgedBy: 'x' });
    expect(unknown.status).toBe(404);
    expect(unknown.data.message).toMatch(/never notified/);
  });

  describe('escalation', () => {
    const chain: EscalationPolicy = { escalateAfterMs: 10 * MIN, escalateTo: ['shift-lead', 'owner'] };
    const alerts = [{ labels: { alertname: 'Freezer', site: 'k1' } }];

    function escalator(clock: Clock, sent: string[], fail = () => false) {
      const pool = createPool(db.url, { max: 2 });
      pools.push(pool);
      return new Escalator({
        db: pool,
        clock,
        logger,
        send: async (receiver: string, groupKey: string) => {
          if (fail()) throw new Error('receiver down');
          sent.push(`${receiver}:${groupKey}`);
          return !groupKey.includes('Gone');
        },
      });
    }

    it('fires each step after escalate_after and not before, once across replicas', async () => {
      const clock = manualClock(t0);
      const sent: string[] = [];
      const replicas = [escalator(clock, sent), escalator(clock, sent), escalator(clock, sent)];
      const g = '{}:{alertname="Freezer"}';
      await replicas[0].delivered(g, chain, alerts, { alertname: 'Freezer' }, ['f']);
      // A repeat notification must not postpone the escalation.
      clock.set(5 * MIN);
      await replicas[1].delivered(g, chain, alerts, { alertname: 'Freezer' }, ['f']);

      clock.set(10 * MIN - 1);
      expect(await Promise.all(replicas.map((r) => r.tick()))).toEqual([0, 0, 0]);
      expect(sent).toEqual([]);
      clock.set(10 * MIN);
      await Promise.all(replicas.map((r) => r.tick()));
      expect(sent).toEqual([`shift-lead:${g}`]);
      clock.set(20 * MIN - 1);
      await Promise.all(replicas.map((r) => r.tick()));
      expect(sent).toHaveLength(1);
      clock.set(20 * MIN);
      await Promise.all(replicas.map((r) => r.tick()));
      expect(sent).toEqual([`shift-lead:${g}`, `owner:${g}`]);
      clock.set(60 * MIN);
      await Promise.all(replicas.map((r) => r.tick()));
      expect(sent).toHaveLength(2);
    });

    it('a failed step is retried on the next tick', async () => {
      const clock = manualClock(t0);
      const sent: string[] = [];
      let failing = true;
      const e = escalator(clock, sent, () => failing);
      const g = '{}:{alertname="Retry"}';
      // One-step chain, so no later step of this group is due during the other tests (shared DB).
      await e.delivered(g, { escalateAfterMs: 10 * MIN, escalateTo: ['shift-lead'] }, alerts, {}, ['r']);
      clock.set(10 * MIN);
      expect(await e.tick()).toBe(0);
      failing = false;
      clock.set(10 * MIN + 5000);
      expect(await e.tick()).toBe(1);
      expect(sent).toEqual([`shift-lead:${g}`]);
    });

    it('an ack or the group resolving stops escalation', async () => {
      const clock = manualClock(t0);
      const sent: string[] = [];
      const e = escalator(clock, sent);
      const acked = { receiver: 'kitchen', integration: 'webhook[0]', groupKey: '{}:{alertname="Acked"}' };
      await notified(acked, ['x'], t0);
      await e.delivered(acked.groupKey, chain, alerts, {}, ['x']);
      expect((await ack(acked.groupKey, { acknowledgedBy: 'lead@example.com' })).status).toBe(200);
      // The acked group's next notification (e.g. new resolved alert) must not restart it.
      await e.delivered(acked.groupKey, chain, alerts, {}, ['x']);
      const resolved = '{}:{alertname="Resolved"}';
      await e.delivered(resolved, chain, alerts, {}, ['y']);
      clock.set(MIN);
      await e.delivered(resolved, chain, alerts, {}, []);
      clock.set(30 * MIN);
      expect(await e.tick()).toBe(0);
      expect(sent).toEqual([]);
    });

    it('an ack that lands while the first notification opens the escalation still stops it', async () => {
      const clock = manualClock(t0);
      const sent: string[] = [];
      const e = escalator(clock, sent);
      const key = { receiver: 'kitchen', integration: 'webhook[0]', groupKey: '{}:{alertname="AckedMeanwhile"}' };
      await notified(key, ['m'], t0);
      // An ack under way, as AckStore.acknowledge runs it: the group's ack lock taken, its row not yet committed.
      const acking = await db.pool.connect();
      try {
        await acking.query('BEGIN');
        await lockGroupAcks(acking, key.groupKey);
        let opened = false;
        const opening = e.delivered(key.groupKey, chain, alerts, {}, ['m']).then(() => (opened = true));
        await new Promise((r) => setTimeout(r, 300));
        expect(opened).toBe(false);
        await acking.query(`INSERT INTO router_group_acks (group_key, acknowledged_by, comment, firing_fingerprints) VALUES ($1, 'lead@example.com', '', $2)`, [
          key.groupKey,
          ['m'],
        ]);
        await acking.query('COMMIT');
        await opening;
      } finally {
        acking.release();
      }
      clock.set(30 * MIN);
      expect(await e.tick()).toBe(0);
      expect(sent).toEqual([]);
    });

    it('tells the receivers escalated to when the group resolves, and nobody else', async () => {
      const clock = manualClock(t0);
      const sent: string[] = [];
      const e = escalator(clock, sent);
      const g = '{}:{alertname="ResolvesLater"}';
      const oneStep = { escalateAfterMs: 10 * MIN, escalateTo: ['shift-lead'] };
      await e.delivered(g, oneStep, alerts, {}, ['z']);
      clock.set(10 * MIN);
      expect(await e.tick()).toBe(1);
      // Repeats after the chain ran out do not start it over.
      clock.set(11 * MIN);
      await e.delivered(g, oneStep, alerts, {}, ['z']);
      clock.set(25 * MIN);
      expect(await e.tick()).toBe(0);
      await e.delivered(g, oneStep, alerts, {}, []);
      expect(sent).toEqual([`shift-lead:${g}`, `shift-lead:${g}`]);
      // Firing again after the resolution is a new problem: it escalates again.
      await e.delivered(g, oneStep, alerts, {}, ['z']);
      clock.set(35 * MIN);
      expect(await e.tick()).toBe(1);
      expect(sent).toHaveLength(3);
    });

    it('closes the escalation of a group that is no longer active', async () => {
      const clock = manualClock(t0);
      const sent: string[] = [];
      const e = escalator(clock, sent);
      const g = '{}:{alertname="Gone"}';
      await e.delivered(g, chain, alerts, {}, ['g']);
      clock.set(10 * MIN);
      expect(await e.tick()).toBe(0);
      clock.set(20 * MIN);
      expect(await e.tick()).toBe(0);
      expect(sent).toEqual([`shift-lead:${g}`]);
    });

    it('food-safety alerts escalate by default after 15 minutes; others only when the route says so', async () => {
      const clock = manualClock(t0);
      const sent: string[] = [];
      const e = escalator(clock, sent);
      const chainOnly: EscalationPolicy = { escalateTo: ['shift-lead'] };
      await e.delivered('{}:{alertname="Excursion"}', chainOnly, [{ labels: { alertname: 'Excursion', category: 'food-safety' } }], {}, ['e']);
      await e.delivered('{}:{alertname="DiskFull"}', chainOnly, [{ labels: { alertname: 'DiskFull', category: 'infrastructure' } }], {}, ['d']);
      clock.set(15 * MIN - 1);
      expect(await e.tick()).toBe(0);
      clock.set(15 * MIN);
      expect(await e.tick()).toBe(1);
      clock.set(120 * MIN);
      expect(await e.tick()).toBe(0);
      expect(sent).toEqual(['shift-lead:{}:{alertname="Excursion"}']);
    });
  });
});
