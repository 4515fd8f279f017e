import type { QueryResultRow } from 'pg';

/**
 * Queryable is a pool or a client inside a transaction: stores take either, so a caller can
 * run several statements in one transaction (on one client, never awaiting another while it
 * is open: the embedded database is a single backend).
 */
export interface Queryable {
  query<R extends QueryResultRow = QueryResultRow>(text: string, values?: unknown[]): Promise<{ rows: R[]; rowCount: number | null }>;
}
