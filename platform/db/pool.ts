import { Pool, type PoolClient, type PoolConfig } from 'pg';

export type { Pool, PoolClient } from 'pg';

export interface PoolOptions {
  max?: number;
  applicationName?: string;
  statementTimeoutMs?: number;
}

/**
 * createPool opens a pg pool. Everything that runs through it is safe behind PgBouncer in
 * transaction pooling: no session state outlives a transaction and no named prepared
 * statements are used (node-postgres only prepares when a query is given a `name`).
 */
export function createPool(connectionString: string, opts: PoolOptions = {}): Pool {
  const config: PoolConfig = {
    connectionString,
    max: opts.max ?? 10,
    application_name: opts.applicationName ?? 'freshtrack',
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 10000,
  };
  if (opts.statementTimeoutMs) config.statement_timeout = opts.statementTimeoutMs;
  const pool = new Pool(config);
  // An idle client losing its server (restart, failover) must not crash the process.
  pool.on('error', () => undefined);
  return pool;
}

/**
 * withClient lends fn one client of the pool. pg-pool stops listening for a client's errors
 * while it is checked out, so a connection lost between two queries would be an unhandled
 * 'error' event and take the process down; here it fails the unit of work instead (its next
 * query throws), and the broken client is discarded rather than returned to the pool.
 */
export async function withClient<T>(pool: Pool, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let lost: Error | undefined;
  const onError = (err: Error) => {
    lost = err;
  };
  client.on('error', onError);
  try {
    return await fn(client);
  } finally {
    client.off('error', onError);
    client.release(lost);
  }
}

/**
 * withTransaction runs fn inside BEGIN/COMMIT on one client, rolling back on any error.
 * Keep every awaited query of the unit of work on `client`: awaiting another client while
 * this transaction is open deadlocks the embedded database.
 */
export function withTransaction<T>(pool: Pool, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  return withClient(pool, async (client) => {
    try {
      await client.query('BEGIN');
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
  });
}

/**
 * isDatabaseUnavailable tells "the database cannot take this work now, retry later" from a
 * query error: a lost or refused connection, a server shutting down or out of connection
 * slots (53300), or a read-only standby (25006), which is what a pooler still pointing at the
 * old primary reaches during a failover. Callers answer 503 with Retry-After.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  const e = err as { code?: string; message?: string } | undefined;
  if (!e) return false;
  if (e.code && ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', '57P01', '57P02', '57P03', '08000', '08003', '08006', '08001', '08004', '53300', '25006'].includes(e.code)) {
    return true;
  }
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(
    e.message ?? '',
  );
}

/** isUniqueViolation: the statement hit a unique constraint (SQLSTATE 23505). */
export function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: string } | undefined)?.code === '23505';
}
