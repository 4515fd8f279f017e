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
 * withTransaction runs fn inside BEGIN/COMMIT on one client, rolling back on any error.
 * Keep every awaited query of the unit of work on `client`: awaiting another client while
 * this transaction is open deadlocks the embedded database.
 */
export async function withTransaction<T>(pool: Pool, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/** isConnectionError tells a lost or refused database connection from a query error. */
export function isConnectionError(err: unknown): boolean {
  const e = err as { code?: string; message?: string } | undefined;
  if (!e) return false;
  if (e.code && ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', '57P01', '57P02', '57P03', '08000', '08003', '08006', '08001', '08004'].includes(e.code)) {
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
