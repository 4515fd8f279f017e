import { createTestDatabase, type TestDatabase } from '../../test/helpers/postgres';
import { freePort } from '../../test/helpers/processes';
import { createPool } from '../../platform/db/pool';
import { createOrg, iso, postReadings, startTestIngest, type InProcessIngest, type OrgFixture } from './ingest-fixtures';

let db: TestDatabase;
let ingest: InProcessIngest;
let org: OrgFixture;
let other: OrgFixture;
const base = Date.now() - 3_600_000;

beforeAll(async () => {
  db = await createTestDatabase();
  org = await createOrg(db.pool, { sensors: 3 });
  other = await createOrg(db.pool, { sensors: 1 });
  ingest = await startTestIngest(db.pool, { INGEST_MAX_BATCH: '50', INGEST_MAX_BODY_BYTES: '20000', INGEST_RATE_LIMIT_PER_SECOND: '1000' });
});

afterAll(async () => {
  await ingest?.stop();
  await db?.drop();
});

const count = async (sensorExt: string) =>
  Number(
    (
      await db.pool.query<{ n: string }>(
        'SELECT count(*) AS n FROM readings r JOIN sensors s ON s.id = r.sensor_id WHERE s.external_id = $1',
        [sensorExt],
      )
    ).rows[0].n,
  );

describe('POST /v1/readings authentication', () => {
  const reading = () => ({ sensor_id: org.sensors[0], recorded_at: iso(base), temperature_c: 3 });

  it('401 without a key, with a malformed key and with an unknown key; nothing written', async () => {
    expect((await postReadings(ingest.url, undefined, reading())).status).toBe(401);
    expect((await postReadings(ingest.url, 'not-a-key', reading())).status).toBe(401);
    const unknown = await postReadings(ingest.url, `ftk_${'A'.repeat(43)}`, reading());
    expect(unknown.status).toBe(401);
    expect(unknown.headers.get('www-authenticate')).toBe('Bearer');
    expect(await count(org.sensors[0])).toBe(0);
  });

  it('401 for a revoked key', async () => {
    const revoked = await createOrg(db.pool);
    await db.pool.query('UPDATE device_keys SET revoked_at = now() WHERE id = $1', [revoked.keyId]);
    const res = await postReadings(ingest.url, revoked.key, { sensor_id: revoked.sensors[0], recorded_at: iso(base), temperature_c: 3 });
    expect(res.status).toBe(401);
    expect(await count(revoked.sensors[0])).toBe(0);
  });

  it('403 when the body names another organization; nothing written', async () => {
    const res = await postReadings(ingest.url, org.key, { org: other.slug, readings: [reading()] });
    expect(res.status).toBe(403);
    expect(res.body.error).toMatch(/^org:/);
    expect(await count(org.sensors[0])).toBe(0);
  });

  it("rejects another organization's sensor exactly like an unknown one (no leak)", async () => {
    const res = await postReadings(ingest.url, org.key, {
      readings: [
        { sensor_id: other.sensors[0], recorded_at: iso(base), temperature_c: 3 },
        { sensor_id: 'does-not-exist', recorded_at: iso(base), temperature_c: 3 },
      ],
    });
    expect(res.status).toBe(400);
    expect(res.body.rejected).toEqual([
      { index: 0, field: 'sensor_id', reason: 'unknown sensor for this device key' },
      { index: 1, field: 'sensor_id', reason: 'unknown sensor for this device key' },
    ]);
    expect(await count(other.sensors[0])).toBe(0);
  });
});

describe('POST /v1/readings body handling', () => {
  it('400 for a body that is not JSON, naming the body', async () => {
    const res = await postReadings(ingest.url, org.key, '{"readings": [');
    expect(res.status).toBe(400);
    expect(res.body.field).toBe('body');
  });

  it('415 for a wrong content type', async () => {
    const res = await postReadings(ingest.url, org.key, 'sensor_id=x', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(res.status).toBe(415);
  });

  it('413 for too many readings and for too many bytes', async () => {
    const many = Array.from({ length: 51 }, (_, i) => ({ sensor_id: org.sensors[0], recorded_at: iso(base + i * 1000), temperature_c: 3 }));
    const tooMany = await postReadings(ingest.url, org.key, { readings: many });
    expect(tooMany.status).toBe(413);
    expect(tooMany.body.field).toBe('readings');
    const big = await postReadings(ingest.url, org.key, { readings: [{ sensor_id: 'x'.repeat(30_000) }] });
    expect(big.status).toBe(413);
    expect(await count(org.sensors[0])).toBe(0);
  });

  it('stores the valid readings of a partly bad batch and answers per index', async () => {
    const res = await postReadings(ingest.url, org.key, {
      readings: [
        { sensor_id: org.sensors[1], recorded_at: iso(base), temperature_c: 3.5, humidity_pct: 40, battery_pct: 88, door_open: false },
        { sensor_id: org.sensors[1], recorded_at: iso(base + 60_000), temperature_c: 'warm' },
        { sensor_id: org.sensors[1], recorded_at: iso(base + 120_000), temperature_f: 41 },
        { sensor_id: org.sensors[1], recorded_at: iso(Date.now() + 3_600_000), temperature_c: 3 },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      accepted: 2,
      duplicates: 0,
      rejected: [
        { index: 1, field: 'temperature_c', reason: 'must be a finite number' },
        { index: 3, field: 'recorded_at', reason: expect.stringMatching(/ahead of the server clock/) },
      ],
    });
    const { rows } = await db.pool.query<{ temperature_c: number; received_at: Date; recorded_at: Date }>(
      `SELECT r.temperature_c, r.received_at, r.recorded_at FROM readings r JOIN sensors s ON s.id = r.sensor_id
       WHERE s.external_id = $1 ORDER BY r.recorded_at`,
      [org.sensors[1]],
    );
    expect(rows.map((r) => r.temperature_c)).toEqual([3.5, 5]);
    expect(rows[0].received_at.getTime()).toBeGreaterThan(rows[0].recorded_at.getTime());
  });
});

describe('exactly once', () => {
  it('counts a re-sent batch as duplicates and stores each reading once', async () => {
    const batch = {
      readings: Array.from({ length: 20 }, (_, i) => ({ sensor_id: org.sensors[2], recorded_at: iso(base + i * 60_000), temperature_c: 3 })),
    };
    const first = await postReadings(ingest.url, org.key, batch);
    const retry = await postReadings(ingest.url, org.key, batch);
    expect(first.body).toMatchObject({ accepted: 20, duplicates: 0 });
    expect(retry.body).toMatchObject({ accepted: 0, duplicates: 20 });
    expect(await count(org.sensors[2])).toBe(20);
  });

  it('concurrent duplicate batches: every reading stored once, accepted counts add up', async () => {
    const batch = {
      readings: Array.from({ length: 40 }, (_, i) => ({ sensor_id: org.sensors[0], recorded_at: iso(base - 86_400_000 + i * 1000), temperature_c: 2 })),
    };
    const results = await Promise.all(Array.from({ length: 6 }, () => postReadings(ingest.url, org.key, batch)));
    expect(results.map((r) => r.status)).toEqual(Array(6).fill(200));
    const accepted = results.reduce((n, r) => n + (r.body.accepted as number), 0);
    const duplicates = results.reduce((n, r) => n + (r.body.duplicates as number), 0);
    expect(accepted).toBe(40);
    expect(duplicates).toBe(200);
    expect(await count(org.sensors[0])).toBe(40);
  });

  it('counts a reading repeated inside one batch as a duplicate', async () => {
    const r = { sensor_id: org.sensors[0], recorded_at: iso(base - 7_200_000), temperature_c: 2 };
    const res = await postReadings(ingest.url, org.key, { readings: [r, r] });
    expect(res.body).toMatchObject({ accepted: 1, duplicates: 1 });
  });

  it('tells repeats from new readings in a batch out of order, wherever the repeat falls', async () => {
    const at = (minutes: number) => ({ sensor_id: org.sensors[1], recorded_at: iso(base - 3_600_000 + minutes * 60_000), temperature_c: 2 });
    const readings = [at(2), at(5), at(2), at(1), at(6), at(1), at(5), at(7), at(6)];
    const res = await postReadings(ingest.url, org.key, { readings });
    expect(res.body).toMatchObject({ accepted: 5, duplicates: 4 });
    const stored = await db.pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM readings r JOIN sensors s ON s.id = r.sensor_id
        WHERE s.org_id = $1 AND s.external_id = $2 AND r.recorded_at BETWEEN $3 AND $4`,
      [org.orgId, org.sensors[1], iso(base - 3_600_000), iso(base - 3_600_000 + 7 * 60_000)],
    );
    expect(Number(stored.rows[0].n)).toBe(5);
  });
});

describe('metrics', () => {
  it('exposes reading results and fleet gauges without per-sensor labels', async () => {
    const text = await (await fetch(`${ingest.url}/metrics`)).text();
    expect(text).toMatch(/freshtrack_ingest_readings_total\{result="accepted",reason="none"[^}]*\} \d+/);
    expect(text).toMatch(/freshtrack_ingest_readings_total\{result="rejected",reason="temperature_c"/);
    expect(text).toMatch(new RegExp(`freshtrack_sensors\\{org="${org.slug}",status="online"[^}]*\\} 3`));
    expect(text).toContain('freshtrack_ingest_batch_size_bucket');
    expect(text).not.toContain(org.sensors[0]);
    expect(text).toMatch(/freshtrack_ingest_outbox_pending(\{[^}]*\})? 0/);
    expect(text).toMatch(/freshtrack_ingest_clock_skew_seconds_bucket/);
    expect(text).toMatch(/freshtrack_ingest_clock_skew_rejected_total(\{[^}]*\})? [1-9]/);
    expect(text).toMatch(/freshtrack_ingest_db_write_duration_seconds_count(\{[^}]*\})? [1-9]/);
    expect(text).toMatch(new RegExp(`freshtrack_sensors_last_seen_age\\{org="${org.slug}",age="5m"`));
  });
});

describe('logs', () => {
  it('name the organization and request id, never the device key', async () => {
    const lines: string[] = [];
    const logged = await startTestIngest(db.pool, {}, lines);
    try {
      const ok = await postReadings(logged.url, org.key, { sensor_id: org.sensors[0], recorded_at: iso(base - 20_000_000), temperature_c: 2 }, { 'x-request-id': 'req-ok-1' });
      expect(ok.status).toBe(200);
      const bad = await postReadings(logged.url, org.key, { sensor_id: 'nope', recorded_at: iso(base), temperature_c: 2 }, { 'x-request-id': 'req-bad-1' });
      expect(bad.status).toBe(400);
      expect(bad.headers.get('x-request-id')).toBe('req-bad-1');
      const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(entries).toEqual(expect.arrayContaining([expect.objectContaining({ org: org.slug, requestId: 'req-ok-1' }), expect.objectContaining({ org: org.slug, requestId: 'req-bad-1' })]));
      // Each request's own line, written at info (the default level), names the organization.
      const requestLines = entries.filter((e) => e.msg === 'request' && e.level === 30);
      for (const id of ['req-ok-1', 'req-bad-1']) expect(requestLines).toEqual(expect.arrayContaining([expect.objectContaining({ org: org.slug, request_id: id })]));
      expect(lines.join('\n')).not.toContain(org.key);
      expect(lines.join('\n')).not.toContain(org.key.slice(4, 20));
    } finally {
      await logged.stop();
    }
  });
});

describe('rate limit and database outage', () => {
  it('429 with Retry-After for a flooding key, while another key still gets through', async () => {
    const limited = await startTestIngest(db.pool, { INGEST_RATE_LIMIT_PER_SECOND: '3' });
    try {
      const body = { sensor_id: org.sensors[0], recorded_at: iso(base - 10_000_000), temperature_c: 2 };
      const statuses = await Promise.all(Array.from({ length: 12 }, () => postReadings(limited.url, org.key, body)));
      const tooMany = statuses.find((r) => r.status === 429);
      expect(tooMany).toBeDefined();
      expect(tooMany!.headers.get('retry-after')).toBe('1');
      const fine = await postReadings(limited.url, other.key, { sensor_id: other.sensors[0], recorded_at: iso(base), temperature_c: 2 });
      expect(fine.status).toBe(200);
    } finally {
      await limited.stop();
    }
  });

  it('429 once a key posts more readings per second than its budget, however few the requests; nothing of it written', async () => {
    const limited = await startTestIngest(db.pool, { INGEST_MAX_BATCH: '50', INGEST_RATE_LIMIT_READINGS_PER_SECOND: '60' });
    const start = base - 30_000_000;
    const batch = (from: number, n: number) => ({
      readings: Array.from({ length: n }, (_, i) => ({ sensor_id: org.sensors[0], recorded_at: iso(start + (from + i) * 1000), temperature_c: 2 })),
    });
    try {
      // Two requests at once, 70 readings within the second: whichever comes second is refused whole.
      const [a, b] = await Promise.all([postReadings(limited.url, org.key, batch(0, 50)), postReadings(limited.url, org.key, batch(50, 20))]);
      expect([a.status, b.status].sort()).toEqual([200, 429]);
      const [ok, over] = a.status === 200 ? [a, b] : [b, a];
      expect(Number(over.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      const stored = await db.pool.query<{ n: string }>('SELECT count(*) AS n FROM readings WHERE recorded_at >= $1 AND recorded_at < $2', [
        new Date(start),
        new Date(start + 70_000),
      ]);
      expect(Number(stored.rows[0].n)).toBe((ok.body as { accepted: number }).accepted);
      // Another organization's key has its own budget.
      expect((await postReadings(limited.url, other.key, { sensor_id: other.sensors[0], recorded_at: iso(start), temperature_c: 2 })).status).toBe(200);
    } finally {
      await limited.stop();
    }
  });

  it('503 with Retry-After when the database is unreachable', async () => {
    const deadPool = createPool(`postgres://postgres@127.0.0.1:${await freePort()}/nothing`, { max: 2 });
    const down = await startTestIngest(deadPool);
    try {
      const res = await postReadings(down.url, org.key, { sensor_id: org.sensors[0], recorded_at: iso(base), temperature_c: 2 });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBeTruthy();
    } finally {
      await down.stop();
      await deadPool.end();
    }
  });
});
