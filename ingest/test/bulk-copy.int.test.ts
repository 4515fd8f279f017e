import { createTestDatabase, type TestDatabase } from '../../test/helpers/postgres';
import { createOrg, iso, postReadings, startTestIngest, type InProcessIngest, type OrgFixture } from './ingest-fixtures';

// Batches of at least INGEST_COPY_MIN_ROWS readings go through COPY, which has no ON CONFLICT:
// these tests hold the COPY path to the same exactly-once answers as the INSERT path.
let db: TestDatabase;
let ingest: InProcessIngest;
let org: OrgFixture;
const base = Date.now() - 2 * 3_600_000;

beforeAll(async () => {
  db = await createTestDatabase();
  org = await createOrg(db.pool, { sensors: 2 });
  ingest = await startTestIngest(db.pool, { INGEST_COPY_MIN_ROWS: '10', INGEST_RATE_LIMIT_PER_SECOND: '1000' });
});

afterAll(async () => {
  await ingest?.stop();
  await db?.drop();
});

const batchOf = (n: number, startMs: number, sensor = org.sensors[0]) => ({
  readings: Array.from({ length: n }, (_, i) => ({ sensor_id: sensor, recorded_at: iso(startMs + i * 1000), temperature_c: 3 + i / 100 })),
});

const stored = async (sensorExt: string) =>
  Number(
    (await db.pool.query<{ n: string }>('SELECT count(*) AS n FROM readings r JOIN sensors s ON s.id = r.sensor_id WHERE s.external_id = $1', [sensorExt]))
      .rows[0].n,
  );

async function copyRedone(): Promise<number> {
  const text = await (await fetch(`${ingest.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('freshtrack_ingest_copy_redone_total '));
  return Number(line?.split(' ')[1] ?? NaN);
}

describe('bulk batches through COPY', () => {
  it('stores every field as sent, nulls included', async () => {
    const start = base - 86_400_000;
    const res = await postReadings(ingest.url, org.key, {
      readings: [
        ...batchOf(10, start).readings,
        { sensor_id: org.sensors[0], recorded_at: iso(start + 60_000), temperature_c: -18.25, humidity_pct: 55.5, battery_pct: 87, door_open: true },
        { sensor_id: org.sensors[0], recorded_at: iso(start + 61_000), temperature_f: 41, door_open: false },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ accepted: 12, duplicates: 0 });
    const { rows } = await db.pool.query(
      `SELECT r.recorded_at, r.temperature_c, r.humidity_pct, r.battery_pct, r.door_open, r.received_at
       FROM readings r JOIN sensors s ON s.id = r.sensor_id WHERE s.external_id = $1 AND r.recorded_at >= $2 ORDER BY r.recorded_at DESC LIMIT 3`,
      [org.sensors[0], new Date(start + 9000)],
    );
    expect(rows[0]).toMatchObject({ recorded_at: new Date(start + 61_000), temperature_c: 5, humidity_pct: null, battery_pct: null, door_open: false });
    expect(rows[1]).toMatchObject({ recorded_at: new Date(start + 60_000), temperature_c: -18.25, humidity_pct: 55.5, battery_pct: 87, door_open: true });
    expect(rows[2]).toMatchObject({ recorded_at: new Date(start + 9000), temperature_c: 3.09, humidity_pct: null, door_open: null });
    expect(rows[0].received_at.getTime()).toBeGreaterThan(Date.now() - 60_000);
  });

  it('a re-sent batch is redone without COPY and answered as duplicates', async () => {
    const batch = batchOf(30, base);
    const before = await copyRedone();
    const first = await postReadings(ingest.url, org.key, batch);
    const retry = await postReadings(ingest.url, org.key, batch);
    expect(first.body).toMatchObject({ accepted: 30, duplicates: 0 });
    expect(retry.body).toMatchObject({ accepted: 0, duplicates: 30 });
    expect(await copyRedone()).toBe(before + 1);
    expect(await stored(org.sensors[0])).toBeGreaterThanOrEqual(30);
  });

  it('a batch overlapping stored readings stores only the new ones; unknown sensors are rejected once', async () => {
    const start = base + 3_600_000;
    await postReadings(ingest.url, org.key, batchOf(15, start, org.sensors[1]));
    const overlapping = batchOf(30, start, org.sensors[1]).readings;
    overlapping.push({ sensor_id: 'no-such-sensor', recorded_at: iso(start), temperature_c: 3 });
    const res = await postReadings(ingest.url, org.key, { readings: overlapping });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ accepted: 15, duplicates: 15, rejected: [{ index: 30, field: 'sensor_id', reason: 'unknown sensor for this device key' }] });
    expect(await stored(org.sensors[1])).toBe(30);
  });

  it('concurrent identical batches: each reading stored once and accepted exactly once in all', async () => {
    const batch = batchOf(50, base - 3 * 86_400_000, org.sensors[1]);
    const results = await Promise.all(Array.from({ length: 4 }, () => postReadings(ingest.url, org.key, batch)));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(results.reduce((n, r) => n + (r.body.accepted as number), 0)).toBe(50);
    expect(results.reduce((n, r) => n + (r.body.duplicates as number), 0)).toBe(150);
    const { rows } = await db.pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM readings r JOIN sensors s ON s.id = r.sensor_id WHERE s.external_id = $1 AND r.recorded_at < $2`,
      [org.sensors[1], new Date(base - 2 * 86_400_000)],
    );
    expect(Number(rows[0].n)).toBe(50);
  });
});
