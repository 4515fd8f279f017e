import type { Pool, PoolClient } from '../../../platform/db/pool';
import type { PostableAlert } from '../domain/build-alert';

export interface OutboxEntry {
  orgId: string;
  excursionId: string;
  payload: PostableAlert;
}

/** enqueueAlerts writes outbox rows in the caller's transaction and stamps the excursions. */
export async function enqueueAlerts(client: PoolClient, entries: OutboxEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await client.query(
    `INSERT INTO alert_outbox (org_id, excursion_id, payload)
     SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::jsonb[])`,
    [entries.map((e) => e.orgId), entries.map((e) => e.excursionId), entries.map((e) => JSON.stringify(e.payload))],
  );
  await client.query('UPDATE excursions SET last_alert_at = now() WHERE id = ANY($1::uuid[])', [
    entries.map((e) => e.excursionId),
  ]);
}

export interface ClaimedAlert {
  id: string;
  attempts: number;
  payload: PostableAlert;
}

/**
 * claimAlerts leases due rows for `leaseSeconds` (next_attempt_at moves forward) and commits
 * at once, so no transaction stays open while the router is called: the lease, not a row
 * lock, keeps other replicas off them, and a crashed worker's rows come back when it ends.
 * Only the oldest undelivered row of each excursion is due, so firing and resolved reach
 * the router in order.
 */
export async function claimAlerts(pool: Pool, limit: number, leaseSeconds: number): Promise<ClaimedAlert[]> {
  const { rows } = await pool.query<{ id: string; attempts: number; payload: PostableAlert }>(
    `UPDATE alert_outbox SET attempts = attempts + 1, next_attempt_at = now() + $2 * interval '1 second'
     WHERE id IN (
       SELECT o.id FROM alert_outbox o
       WHERE o.delivered_at IS NULL AND o.next_attempt_at <= now()
         AND NOT EXISTS (SELECT 1 FROM alert_outbox p
                         WHERE p.excursion_id = o.excursion_id AND p.delivered_at IS NULL AND p.id < o.id)
       ORDER BY o.id LIMIT $1
       FOR UPDATE SKIP LOCKED)
     RETURNING id, attempts, payload`,
    [limit, leaseSeconds],
  );
  return rows.sort((a, b) => Number(a.id) - Number(b.id));
}

export async function markDelivered(pool: Pool, ids: string[]): Promise<void> {
  await pool.query('UPDATE alert_outbox SET delivered_at = now(), last_error = NULL WHERE id = ANY($1::bigint[])', [ids]);
}

/** markFailed schedules the next attempt after `backoffSeconds`. */
export async function markFailed(pool: Pool, ids: string[], error: string, backoffSeconds: number): Promise<void> {
  await pool.query(
    `UPDATE alert_outbox SET last_error = $2, next_attempt_at = now() + $3 * interval '1 second'
     WHERE id = ANY($1::bigint[])`,
    [ids, error.slice(0, 1000), backoffSeconds],
  );
}

/** pruneDelivered removes delivered rows older than `days` (the router keeps its own log). */
export async function pruneDelivered(client: PoolClient, days: number): Promise<number> {
  const { rowCount } = await client.query(`DELETE FROM alert_outbox WHERE delivered_at < now() - $1 * interval '1 day'`, [days]);
  return rowCount ?? 0;
}
