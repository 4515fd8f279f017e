import { escapeLiteral, type QueryResult, type QueryResultRow } from 'pg';
import { withClient, type Pool, type PoolClient } from './pool';

/** A value a folded statement can carry: rendered as a literal, never spliced as SQL. */
export type SqlValue = string | number | boolean | Date | null;

function elementText(value: Exclude<SqlValue, null>): string {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return String(value);
}

/**
 * sqlLiteral renders a value, or an array of values, as a PostgreSQL string literal (an
 * array as the text of an array literal, every element quoted, NULL as NULL), quoted as
 * node-postgres's escapeLiteral quotes. Cast it in the statement (`${sqlLiteral(ids)}::uuid[]`).
 */
export function sqlLiteral(value: SqlValue | readonly SqlValue[]): string {
  if (value === null) return 'NULL';
  if (!Array.isArray(value)) return quoted(elementText(value as Exclude<SqlValue, null>));
  const elements = (value as readonly SqlValue[]).map((v) => (v === null ? 'NULL' : `"${elementText(v).replace(/[\\"]/g, '\\$&')}"`));
  return quoted(`{${elements.join(',')}}`);
}

const NEEDS_ESCAPING = /['\\]/;

/**
 * quoted: escapeLiteral builds its result a character at a time, and ingest's arrays of ids
 * and instants run to thousands of characters per transaction; text with neither a quote nor
 * a backslash (uuids, numbers, timestamps) needs nothing escaped, so it is only wrapped.
 */
function quoted(text: string): string {
  return NEEDS_ESCAPING.test(text) ? escapeLiteral(text) : `'${text}'`;
}

/**
 * FoldedTransaction: a transaction whose BEGIN travels with its first statement and whose
 * COMMIT travels with its last, each pair sent as one simple-protocol query, so a short
 * transaction costs two round trips fewer. Folded statements carry their values as literals
 * (sqlLiteral), since the simple protocol has no parameters; statements in between are
 * ordinary parameterised queries on `client`.
 */
export interface FoldedTransaction {
  readonly client: PoolClient;
  /** Sends `BEGIN; <sql>` and returns the statement's result. */
  begin<R extends QueryResultRow>(sql: string): Promise<QueryResult<R>>;
  /** Sends `<sql>; COMMIT`, or COMMIT alone. */
  commit(sql?: string): Promise<void>;
}

/**
 * withFoldedTransaction runs fn on one client and rolls back on any error. fn must open the
 * transaction with tx.begin and end it with tx.commit. Safe behind PgBouncer's transaction
 * pooling: nothing outlives the transaction.
 */
export function withFoldedTransaction<T>(pool: Pool, fn: (tx: FoldedTransaction) => Promise<T>): Promise<T> {
  return withClient(pool, async (client) => {
    const tx: FoldedTransaction = {
      client,
      async begin<R extends QueryResultRow>(sql: string) {
        const results = (await client.query(`BEGIN; ${sql}`)) as unknown as QueryResult<R>[];
        return results[1];
      },
      async commit(sql?: string) {
        await client.query(sql ? `${sql}; COMMIT` : 'COMMIT');
      },
    };
    try {
      return await fn(tx);
    } catch (err) {
      // After a failed statement the transaction is aborted but still open (a simple query
      // stops at its first error); ROLLBACK ends it, and is a harmless no-op otherwise.
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
  });
}
