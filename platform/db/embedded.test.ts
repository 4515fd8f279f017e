/**
 * The embedded database serves several pg pools over one PGlite backend. Concurrent
 * parameterised queries (the extended protocol: Parse, Bind, Execute, Sync) from different
 * connections must not interleave inside that one session, or one connection binds its
 * parameters to another's statement (electric-sql/pglite#1046).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded';
import { createPool, withTransaction, type Pool } from './pool';

/** within rejects if `work` has not settled after `ms`. */
function within<T>(ms: number, what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not done in ${ms} ms`)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

describe('embedded PostgreSQL with several connections', () => {
  let pg: EmbeddedPostgres;
  let pools: Pool[];
  beforeAll(async () => {
    pg = await startEmbeddedPostgres({ dataDir: mkdtempSync(join(tmpdir(), 'ft-pglite-')), maxConnections: 12 });
    pools = [createPool(pg.url, { max: 4 }), createPool(pg.url, { max: 4 })];
    await pools[0].query('CREATE TABLE IF NOT EXISTS interleave (id serial PRIMARY KEY, tag text NOT NULL, n int NOT NULL)');
  }, 60_000);
  afterAll(async () => {
    // A stalled queue (the defect this guards against) never answers: do not hang the suite on it.
    await within(5000, 'closing the pools', Promise.all(pools.map((p) => p.end())).then(() => pg.stop())).catch(() => undefined);
  });

  /** query runs the i-th of four shapes of parameterised statement; each result says what it should be. */
  async function query(i: number): Promise<{ i: number; got: unknown; want: unknown }> {
    const pool = pools[i % 2];
    switch (i % 4) {
      case 0:
        return { i, got: (await pool.query<{ v: number }>('SELECT $1::int * 2 AS v', [i])).rows[0]?.v, want: i * 2 };
      case 1:
        return { i, got: (await pool.query<{ v: string }>('SELECT $1::text || $2::text AS v', [`a${i}`, 'z'])).rows[0]?.v, want: `a${i}z` };
      case 2:
        return { i, got: (await pool.query<{ n: number }>('INSERT INTO interleave (tag, n) VALUES ($1, $2) RETURNING n', [`t${i}`, i])).rows[0]?.n, want: i };
      default:
        return { i, got: await withTransaction(pool, async (c) => (await c.query<{ n: number }>('SELECT $1::int + 1 AS n', [i])).rows[0]?.n), want: i + 1 };
    }
  }

  it('answers each of 400 concurrent parameterised queries of different shapes with its own result', async () => {
    const results = await within(30_000, 'answering 400 queries (the queue stalled)', Promise.allSettled(Array.from({ length: 400 }, (_, i) => query(i))));
    const wrong = results.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : r.value.got === r.value.want ? [] : [`#${r.value.i}: ${String(r.value.got)} ≠ ${String(r.value.want)}`]));
    expect(wrong).toEqual([]);
    const stored = await pools[0].query<{ n: number }>(`SELECT count(*)::int AS n FROM interleave WHERE tag = 't' || n`);
    expect(stored.rows[0].n).toBe(100);
  }, 60_000);
});
