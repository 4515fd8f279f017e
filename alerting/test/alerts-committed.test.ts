/**
 * "A 2xx means committed" through the real router process (issue 4): concurrent POSTs, whose
 * alerts share group commits, are each answered 200 only once their own alerts are what a
 * restarting router would load, read over another connection. The router reaches PostgreSQL
 * through a proxy that holds its statements back, so an answer sent before the commit would
 * be caught rather than hidden by a fast database.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import { createPool, type Pool } from '../../platform/db/pool';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/postgres';
import { PgAlertStore } from '../src/store/pg-alert-store';
import { postJson, startOurRouter, type RunningRouter } from './support/routers';

const CONFIG = `
route:
  receiver: none
  group_wait: 1h
receivers:
- name: none
`;

const DELAY_MS = 100;

/** slowProxy forwards to PostgreSQL, delaying what the router sends by DELAY_MS (order kept). */
async function slowProxy(target: URL): Promise<{ server: Server; sockets: Set<Socket>; port: number }> {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(Number(target.port || 5432), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => s.destroy());
    }
    client.on('data', (chunk) => setTimeout(() => upstream.write(chunk), DELAY_MS));
    upstream.pipe(client);
    client.on('close', () => setTimeout(() => upstream.destroy(), DELAY_MS));
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, sockets, port: (server.address() as { port: number }).port };
}

describe('POST /api/v2/alerts answers 200 only for committed alerts', () => {
  let db: TestDatabase;
  let other: Pool;
  let proxy: Awaited<ReturnType<typeof slowProxy>>;
  let router: RunningRouter;

  beforeAll(async () => {
    db = await createTestDatabase();
    other = createPool(db.url, { max: 2 });
    proxy = await slowProxy(new URL(db.url));
    const viaProxy = new URL(db.url);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxy.port);
    router = await startOurRouter(CONFIG, viaProxy.toString());
  }, 120_000);
  afterAll(async () => {
    await router?.stop();
    proxy?.sockets.forEach((s) => s.destroy());
    await new Promise((r) => (proxy ? proxy.server.close(r) : r(undefined)));
    await other?.end();
    await db?.drop();
  });

  test('each of 16 concurrent POSTs finds its alerts stored when its 200 arrives', async () => {
    const posts = Array.from({ length: 16 }, (_, p) => Array.from({ length: 50 }, (__, i) => ({ labels: { alertname: 'Committed', post: String(p), i: String(i) } })));
    const missingAtAck = await Promise.all(
      posts.map(async (alerts, p) => {
        const res = await postJson(`${router.url}/api/v2/alerts`, alerts);
        expect(res.status).toBe(200);
        const stored = await new PgAlertStore(other).load(new Date(0));
        const mine = new Set(stored.filter((a) => a.labels.post === String(p)).map((a) => a.labels.i));
        return alerts.filter((a) => !mine.has(a.labels.i)).length;
      }),
    );
    expect(missingAtAck).toEqual(posts.map(() => 0));
  });
});
