import express from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import axios from 'axios';
import pino from 'pino';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/postgres';
import { NotificationHistoryStore } from '../store/notification-history-store';
import { historyRouter } from './history-router';

const logger = pino({ level: 'silent' });

describe('GET /api/v2/notifications', () => {
  let db: TestDatabase;
  let server: Server;
  let base: string;
  const get = (query: string) => axios.get(`${base}/api/v2/notifications${query}`, { validateStatus: () => true });

  beforeAll(async () => {
    db = await createTestDatabase();
    const app = express();
    app.use(historyRouter(db.pool, logger));
    server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const store = new NotificationHistoryStore(db.pool);
    const attempt = { integration: 'webhook[0]', firing: ['f1'], resolved: [], replica: 'r1' };
    await store.append({ ...attempt, receiver: 'kitchen', groupKey: '{}:{alertname="A"}', outcome: 'failure', error: 'webhook: unexpected status code 503', attempt: 1 });
    await store.append({ ...attempt, receiver: 'kitchen', groupKey: '{}:{alertname="A"}', outcome: 'success', attempt: 2 });
    await store.append({ ...attempt, receiver: 'owner', groupKey: '{}:{alertname="B"}', outcome: 'success', attempt: 1 });
    await db.pool.query(`UPDATE router_notification_log SET sent_at = '2026-01-01T00:00:00Z' WHERE receiver = 'owner'`);
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await db.drop();
  });

  it('lists every attempt, newest first, with its outcome and error', async () => {
    const res = await get('');
    expect(res.status).toBe(200);
    expect(res.data.notifications.map((n: { receiver: string; attempt: number; outcome: string }) => [n.receiver, n.attempt, n.outcome])).toEqual([
      ['owner', 1, 'success'],
      ['kitchen', 2, 'success'],
      ['kitchen', 1, 'failure'],
    ]);
    expect(res.data.notifications[2]).toMatchObject({ integration: 'webhook[0]', groupKey: '{}:{alertname="A"}', firingFingerprints: ['f1'], error: 'webhook: unexpected status code 503', replica: 'r1' });
    expect(res.data.next).toBeNull();
  });

  it('filters by receiver, group key, outcome and time, and pages', async () => {
    expect((await get('?receiver=owner')).data.notifications).toHaveLength(1);
    expect((await get(`?groupKey=${encodeURIComponent('{}:{alertname="A"}')}&outcome=failure`)).data.notifications).toHaveLength(1);
    expect((await get('?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z')).data.notifications.map((n: { receiver: string }) => n.receiver)).toEqual(['owner']);
    const page1 = (await get('?limit=2')).data;
    expect(page1.notifications).toHaveLength(2);
    const page2 = (await get(`?limit=2&before=${page1.next}`)).data;
    expect(page2.notifications.map((n: { attempt: number; outcome: string }) => n.outcome)).toEqual(['failure']);
  });

  it('rejects bad parameters naming them', async () => {
    for (const [query, field] of [
      ['?from=yesterday', 'from'],
      ['?limit=0', 'limit'],
      ['?limit=abc', 'limit'],
      ['?reciever=owner', 'reciever'],
      ['?outcome=maybe', 'outcome'],
      ['?receiver=a&receiver=b', 'receiver'],
      ['?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z', 'to'],
    ]) {
      const res = await get(query);
      expect([query, res.status, res.data.field]).toEqual([query, 400, field]);
      expect(res.data.message).toMatch(new RegExp(`^${field}: `));
    }
  });
});
