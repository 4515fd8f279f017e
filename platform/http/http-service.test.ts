import { request } from 'node:http';
import { createLogger } from '../logging/logger';
import { createMetricsRegistry } from '../metrics/registry';
import { createPool } from '../db/pool';
import { databaseReadiness } from '../db/readiness';
import { startHttpService, type HttpService } from './http-service';
import { ValidationError } from '../errors/app-error';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/postgres';
import { startTcpProxy, type TcpProxy } from '../../test/helpers/tcp-proxy';
import { waitFor } from '../../test/helpers/processes';

const logger = createLogger('test');
logger.level = 'silent';

async function get(url: string): Promise<{ status: number; body: string }> {
  const res = await fetch(url);
  return { status: res.status, body: await res.text() };
}

describe('readiness follows the database', () => {
  let db: TestDatabase;
  let proxy: TcpProxy;
  let service: HttpService;
  let pool: ReturnType<typeof createPool>;

  beforeAll(async () => {
    db = await createTestDatabase();
    proxy = await startTcpProxy({ host: '127.0.0.1', port: 5432 });
    const url = new URL(db.url);
    url.port = String(proxy.port);
    pool = createPool(url.toString(), { max: 2 });
    service = await startHttpService({
      name: 'test',
      host: '127.0.0.1',
      port: 0,
      registry: createMetricsRegistry(),
      logger,
      readiness: databaseReadiness(pool),
      routes: () => undefined,
    });
  });
  afterAll(async () => {
    await service.close();
    await pool.end();
    await proxy.close();
    await db.drop();
  });

  test('ready, then 503 while PostgreSQL is unreachable, then ready again; /healthz stays 200', async () => {
    expect((await get(`${service.url}/readyz`)).status).toBe(200);
    await proxy.cut();
    const down = await waitFor(async () => {
      const r = await get(`${service.url}/readyz`);
      return r.status === 503 ? r : undefined;
    });
    expect(JSON.parse(down.body)).toMatchObject({ status: 'not ready', reason: expect.stringContaining('database unreachable') });
    expect((await get(`${service.url}/healthz`)).status).toBe(200);
    await proxy.restore();
    await waitFor(async () => (await get(`${service.url}/readyz`)).status === 200);
  });

  test('not ready while migrations are pending', async () => {
    const fresh = await createTestDatabase({ migrated: false });
    try {
      await expect(databaseReadiness(fresh.pool)()).rejects.toThrow(/migrations pending: 0001/);
    } finally {
      await fresh.drop();
    }
  });
});

describe('HTTP service behaviour', () => {
  let service: HttpService;
  let release: () => void = () => undefined;
  let arrived = false;
  const registry = createMetricsRegistry();

  beforeAll(async () => {
    service = await startHttpService({
      name: 'test',
      host: '127.0.0.1',
      port: 0,
      registry,
      logger,
      drainDelayMs: 500,
      routes: (app) => {
        app.get('/slow', async (_req, res) => {
          arrived = true;
          await new Promise<void>((r) => (release = r));
          res.json({ finished: true });
        });
        app.get('/bad', () => {
          throw new ValidationError('sensor_id', 'is required');
        });
      },
    });
  });

  test('errors map to JSON naming the field; metrics record the route pattern', async () => {
    const bad = await get(`${service.url}/bad`);
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body)).toEqual({ error: 'sensor_id: is required', field: 'sensor_id', reason: 'is required' });
    const missing = await get(`${service.url}/nope`);
    expect(missing.status).toBe(404);
    const metrics = await get(`${service.url}/metrics`);
    expect(metrics.body).toMatch(/http_request_duration_seconds_count\{service="test",method="GET",route="\/bad",status_code="400"\} 1/);
    expect(metrics.body).toMatch(/route="unmatched",status_code="404"/);
    expect(metrics.body).toContain('process_cpu_user_seconds_total');
  });

  test('graceful shutdown: readiness goes false, the in-flight request finishes, new connections are refused', async () => {
    const inFlight = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(`${service.url}/slow`, { agent: false }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end();
    });
    await waitFor(async () => arrived);
    const closing = service.close();
    const readiness = await get(`${service.url}/readyz`);
    expect(readiness).toEqual({ status: 503, body: JSON.stringify({ status: 'draining' }) });
    // After the drain delay the listener closes: new connections are refused while the old one drains.
    await waitFor(async () => fetch(`${service.url}/healthz`).then(() => false, () => true));
    release();
    const done = await inFlight;
    expect(done).toEqual({ status: 200, body: JSON.stringify({ finished: true }) });
    await closing;
  });
});
