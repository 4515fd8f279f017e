import type { QueryResultRow } from 'pg';
import { AppError, NotFoundError, ValidationError } from '../../../platform/errors/app-error';
import type { Pool, PoolClient } from '../../../platform/db/pool';

/** A pool or a client inside a transaction: stores run on either. */
export type Queryable = Pool | PoolClient;

/** ConflictError is a 409 for a unique constraint (a duplicate name, external id...). */
export class ConflictError extends AppError {
  constructor(message: string) {
    super(409, message);
  }
}

/**
 * query runs parameterised SQL and maps the constraint violations a client can cause to
 * clear 4xx answers: a duplicate (409), a reference to something that does not exist in the
 * caller's organization (400 naming the field), a failed CHECK (400).
 */
export async function query<R extends QueryResultRow>(db: Queryable, sql: string, params: unknown[], fields: Record<string, string> = {}): Promise<R[]> {
  try {
    return (await db.query<R>(sql, params)).rows;
  } catch (err) {
    const e = err as { code?: string; constraint?: string; detail?: string };
    if (e.code === '23505') throw new ConflictError(`already exists${e.detail ? `: ${e.detail.replace(/^Key /, '')}` : ''}`);
    if (e.code === '23503') {
      const field = Object.entries(fields).find(([constraint]) => e.constraint?.includes(constraint))?.[1] ?? 'reference';
      throw new ValidationError(field, 'does not exist in this organization');
    }
    if (e.code === '23514') throw new ValidationError(fields[e.constraint ?? ''] ?? 'body', `violates ${e.constraint}`);
    throw err;
  }
}

export async function queryOne<R extends QueryResultRow>(db: Queryable, sql: string, params: unknown[], what: string, fields?: Record<string, string>): Promise<R> {
  const rows = await query<R>(db, sql, params, fields);
  if (!rows[0]) throw new NotFoundError(what);
  return rows[0];
}
