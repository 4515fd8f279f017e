import pino from 'pino';
import { createPool } from '../../platform/db/pool';
import { createMetricsRegistry } from '../../platform/metrics/registry';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/postgres';
import { startTcpProxy } from '../../test/helpers/tcp-proxy';
import { IngestMetrics } from '../src/metrics/ingest-metrics';
import { ReadingIngestService } from '../src/services/reading-ingest-service';
import { fleetSnapshot } from '../src/stores/fleet-store';
import type { DeviceKeyRecord } from '../src/stores/device-key-store';
import { createOrg, iso, postReadings, startTestIngest, type OrgFixture } from './ingest-fixtures';

// Requests that arrive while a write transaction runs share the next one (GroupCommit). Each
// must still get exactly its own answer, and a key revoked after authentication writes nothing.
let db: TestDatabase;
let a: OrgFixture;
let b: OrgFixture;
const base = Date.now() - 3 * 3_600_000;

beforeAll(async () => {
  db = await createTestDatabase();
  a = await createOrg(db.pool, { sensors: 2, thresholds: { max_warning_c: 5, max_critical_c: 10 } });
  b = await createOrg(db.pool, { sensors: 1 });
});

afterAll(async () => {
  await db?.drop();
});

const keyOf = (o: OrgFixture): DeviceKeyRecord => ({ id: o.keyId, orgId: o.orgId, orgSlug: o.slug, revoked: false });

/** ingest: what the readings route does with a request's items, validate and then store. */
function ingest(svc: ReadingIngestService, key: DeviceKeyRecord, items: unknown[], receivedAt: Date, requestId: string) {
  return svc.storeValidated(key, svc.validate(items, receivedAt), receivedAt, requestId);
}

function service() {
  const registry = createMetricsRegistry();
  const metrics = new IngestMetrics(registry, () => fleetSnapshot(db.pool, 20, []));
  const svc = new ReadingIngestService(
    db.pool,
    {
      limits: { maxBatch: 100, maxFutureSkewSeconds: 300, retentionDays: 730 },
      rules: { doorOpenSeconds: 300, batteryLowPct: 20, batteryClearPct: 25 },
      links: { runbookBaseUrl: 'http://runbooks.test', dashboardUrl: 'http://dashboards.test' },
      routers: ['http://router.test'],
      copyMinRows: 0,
      writeConcurrency: 1,
      maxReadingsPerWrite: 100,
    },
    metrics,
    pino({ level: 'silent' }),
  );
  return { svc, registry };
}

describe('shared write transactions', () => {
  it('answers each request of a shared transaction with its own counts', async () => {
    const { svc, registry } = service();
    const now = new Date();
    const shared = { sensor_id: a.sensors[1], recorded_at: iso(base + 5000), temperature_c: 3 };
    // All submitted in one tick: the first runs alone, the other three share the next transaction.
    const results = await Promise.all([
      ingest(svc, keyOf(a), [{ sensor_id: a.sensors[0], recorded_at: iso(base), temperature_c: 3 }], now, 'r1'),
      ingest(svc, keyOf(a), [shared, { sensor_id: a.sensors[0], recorded_at: iso(base + 1000), temperature_c: 12 }], now, 'r2'),
      ingest(svc, keyOf(b), [{ sensor_id: b.sensors[0], recorded_at: iso(base), temperature_c: 4 }, { sensor_id: a.sensors[0], recorded_at: iso(base + 2000), temperature_c: 3 }], now, 'r3'),
      ingest(svc, keyOf(a), [shared], now, 'r4'),
    ]);
    expect(results).toEqual([
      { accepted: 1, duplicates: 0, rejected: [] },
      { accepted: 2, duplicates: 0, rejected: [] },
      // org b's key cannot reach org a's sensor, even inside a transaction shared with org a.
      { accepted: 1, duplicates: 0, rejected: [{ index: 1, field: 'sensor_id', reason: 'unknown sensor for this device key' }] },
      { accepted: 0, duplicates: 1, rejected: [] },
    ]);
    const batches = (await registry.getSingleMetric('freshtrack_ingest_write_batch_requests')!.get()).values;
    expect(batches.find((v) => (v as { metricName?: string }).metricName === 'freshtrack_ingest_write_batch_requests_count')?.value).toBe(2);
    expect(batches.find((v) => (v as { metricName?: string }).metricName === 'freshtrack_ingest_write_batch_requests_sum')?.value).toBe(4);
    const stored = await db.pool.query<{ n: string }>('SELECT count(*) AS n FROM readings WHERE org_id = ANY($1::uuid[])', [[a.orgId, b.orgId]]);
    expect(Number(stored.rows[0].n)).toBe(4);
    // The 12 °C reading of r2 was evaluated in the shared transaction: a critical excursion is open.
    const ex = await db.pool.query('SELECT severity, state FROM excursions WHERE org_id = $1', [a.orgId]);
    expect(ex.rows).toEqual([{ severity: 'critical', state: 'open' }]);
  });

  it('a key revoked after it was cached by ingest writes nothing and gets 401', async () => {
    const c = await createOrg(db.pool, { sensors: 1 });
    const ingest = await startTestIngest(db.pool, { INGEST_DEVICE_KEY_CACHE_SECONDS: '3600' });
    try {
      const first = await postReadings(ingest.url, c.key, { sensor_id: c.sensors[0], recorded_at: iso(base), temperature_c: 3 });
      expect(first.status).toBe(200);
      await db.pool.query('UPDATE device_keys SET revoked_at = now() WHERE id = $1', [c.keyId]);
      const after = await postReadings(ingest.url, c.key, { sensor_id: c.sensors[0], recorded_at: iso(base + 1000), temperature_c: 3 });
      expect(after.status).toBe(401);
      const stored = await db.pool.query<{ n: string }>('SELECT count(*) AS n FROM readings WHERE org_id = $1', [c.orgId]);
      expect(Number(stored.rows[0].n)).toBe(1);
    } finally {
      await ingest.stop();
    }
  });

  it('while the database is unreachable, every request of a shared transaction gets 503 and nothing is written', async () => {
    const d = await createOrg(db.pool, { sensors: 1 });
    const target = new URL(db.url);
    const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const viaProxy = new URL(db.url);
    viaProxy.port = String(proxy.port);
    const pool = createPool(viaProxy.toString(), { max: 4 });
    const ingest = await startTestIngest(pool, { INGEST_WRITE_CONCURRENCY: '1' });
    const reading = (i: number) => ({ sensor_id: d.sensors[0], recorded_at: iso(base + 10 * 60_000 + i * 1000), temperature_c: 3 });
    try {
      expect((await postReadings(ingest.url, d.key, reading(0))).status).toBe(200); // the key is cached from here on
      await proxy.cut();
      const during = await Promise.all([1, 2, 3, 4, 5].map((i) => postReadings(ingest.url, d.key, reading(i))));
      expect(during.map((r) => r.status)).toEqual([503, 503, 503, 503, 503]);
      expect(during.every((r) => r.headers.get('retry-after'))).toBe(true);
      await proxy.restore();
      expect((await postReadings(ingest.url, d.key, reading(6))).status).toBe(200);
      const stored = await db.pool.query<{ n: string }>('SELECT count(*) AS n FROM readings WHERE org_id = $1', [d.orgId]);
      expect(Number(stored.rows[0].n)).toBe(2);
    } finally {
      await ingest.stop();
      await pool.end();
      await proxy.close().catch(() => undefined);
    }
  });
  it("records each sensor's newest reading, last battery and receipt time, and never moves them back", async () => {
    const { svc } = service();
    const c = await createOrg(db.pool, { sensors: 2 });
    const [s1, s2] = c.sensors;
    const state = async () =>
      (
        await db.pool.query<{ external_id: string; last_seen_at: Date | null; last_battery_pct: number | null; received: boolean }>(
          `SELECT external_id, last_seen_at, last_battery_pct, last_received_at >= now() - interval '1 minute' AS received
           FROM sensors WHERE org_id = $1 ORDER BY external_id`,
          [c.orgId],
        )
      ).rows;
    const now = new Date();
    // One write transaction, two sensors: s1's newest reading carries no battery, so the older one's counts.
    await ingest(svc, 
      keyOf(c),
      [
        { sensor_id: s1, recorded_at: iso(base + 2000), temperature_c: 3 },
        { sensor_id: s1, recorded_at: iso(base + 1000), temperature_c: 3, battery_pct: 80 },
        { sensor_id: s2, recorded_at: iso(base + 500), temperature_c: 3, battery_pct: 55 },
      ],
      now,
      'seen-1',
    );
    expect(await state()).toEqual([
      { external_id: s1, last_seen_at: new Date(base + 2000), last_battery_pct: 80, received: true },
      { external_id: s2, last_seen_at: new Date(base + 500), last_battery_pct: 55, received: true },
    ]);
    // A late reading for s1 (older than its newest) and a newer one without battery for s2.
    await ingest(svc, keyOf(c), [{ sensor_id: s1, recorded_at: iso(base), temperature_c: 3, battery_pct: 10 }], now, 'seen-2');
    await ingest(svc, keyOf(c), [{ sensor_id: s2, recorded_at: iso(base + 9000), temperature_c: 3 }], now, 'seen-3');
    const after = await state();
    expect(after[0]).toEqual({ external_id: s1, last_seen_at: new Date(base + 2000), last_battery_pct: 80, received: true });
    expect(after[1]).toEqual({ external_id: s2, last_seen_at: new Date(base + 9000), last_battery_pct: 55, received: true });
  });
  it('503 with Retry-After and nothing written when the database only takes reads (a standby after a failover)', async () => {
    const e = await createOrg(db.pool, { sensors: 1 });
    const readOnly = new URL(db.url);
    readOnly.searchParams.set('options', '-c default_transaction_read_only=on');
    const pool = createPool(readOnly.toString(), { max: 2 });
    const ingest = await startTestIngest(pool);
    try {
      const res = await postReadings(ingest.url, e.key, { sensor_id: e.sensors[0], recorded_at: iso(base), temperature_c: 3 });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBeTruthy();
      const stored = await db.pool.query<{ n: string }>('SELECT count(*) AS n FROM readings WHERE org_id = $1', [e.orgId]);
      expect(Number(stored.rows[0].n)).toBe(0);
    } finally {
      await ingest.stop();
      await pool.end();
    }
  });
});
