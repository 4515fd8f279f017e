/**
 * The alert log's writer thread (issue 4): an append resolves only once its rows are committed,
 * and a failed write is reported to its caller without stopping the writes after it.
 */
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/postgres';
import { createPool, type Pool } from '../../../platform/db/pool';
import type { LogAlert, LogRow } from './alert-log-protocol';
import { WorkerLogWriter } from './alert-log-writer';

const alert = (f: string): LogRow => ({ alerts: JSON.stringify([{ f, l: { alertname: f }, a: {}, s: 0, e: 1, g: '', u: 0, t: false } satisfies LogAlert]) });

describe('WorkerLogWriter', () => {
  let db: TestDatabase;
  let pool: Pool;
  let writer: WorkerLogWriter;
  beforeAll(async () => {
    db = await createTestDatabase();
    pool = createPool(db.url, { max: 1, applicationName: 'alert-log-writer-test' });
    const opened = await WorkerLogWriter.open(pool, 2);
    expect(opened.connectError).toBeUndefined();
    writer = opened.writer;
  });
  afterAll(async () => {
    await writer.close();
    await pool.end();
    await db.drop();
  });

  const logged = async () =>
    (await db.pool.query<{ alerts: { f: string }[] | null; request: string | null }>('SELECT alerts, request FROM router_alert_log ORDER BY id')).rows.map(
      (r) => r.alerts?.[0].f ?? r.request,
    );

  it('resolves once the row is visible to other connections', async () => {
    await writer.append([alert('first')]);
    expect(await logged()).toEqual(['first']);
  });

  it("appends a write's rows in their order, a request with its version, time and resolve timeout", async () => {
    const receivedAt = Date.UTC(2026, 10, 26, 9, 15, 30, 123);
    await writer.append([alert('before-request'), { request: { body: '[{"labels":{"a":"b"}}]', version: 'v1', receivedAt, resolveTimeoutMs: 300_000 } }, alert('after-request')]);
    expect(await logged()).toEqual(['first', 'before-request', '[{"labels":{"a":"b"}}]', 'after-request']);
    const r = await db.pool.query(`SELECT api_version, received_at, resolve_timeout_ms::int AS timeout FROM router_alert_log WHERE request IS NOT NULL`);
    expect(r.rows).toEqual([{ api_version: 'v1', received_at: new Date(receivedAt), timeout: 300_000 }]);
    await db.pool.query(`DELETE FROM router_alert_log WHERE alerts IS NULL OR alerts::text NOT LIKE '%"first"%'`);
  });

  it('rejects a row the database refuses, and the next write still commits', async () => {
    await db.pool.query(`ALTER TABLE router_alert_log ADD CONSTRAINT refuse_test CHECK (alerts::text NOT LIKE '%refused%')`);
    try {
      await expect(writer.append([alert('refused')])).rejects.toThrow(/refuse_test/);
    } finally {
      await db.pool.query('ALTER TABLE router_alert_log DROP CONSTRAINT refuse_test');
    }
    await writer.append([alert('after-error')]);
    expect(await logged()).toEqual(['first', 'after-error']);
  });

  it('after a lost connection, connects again: what it acknowledged is committed, what it failed is not', async () => {
    await db.pool.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'alert-log-writer-test' AND pid <> pg_backend_pid()`);
    // Whether this write meets the dead connection or a new one depends on when the thread learns of it.
    const during = await writer.append([alert('during')]).then(
      () => true,
      () => false,
    );
    await writer.append([alert('reconnected')]);
    const rows = await logged();
    expect(rows).toContain('reconnected');
    expect(rows.includes('during')).toBe(during);
  });
});
