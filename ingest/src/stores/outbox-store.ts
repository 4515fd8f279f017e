import type { Pool, PoolClient } from '../../../platform/db/pool';
import { buildAlert, type AlertLinks, type PostableAlert } from '../domain/build-alert';
import type { AlertEvent } from '../domain/excursion';
import type { SensorInfo } from './sensor-store';

export interface OutboxEntry {
  orgId: string;
  excursionId: string;
  payload: PostableAlert;
}

/** alertEntry: the outbox entry for an alert event about a sensor's excursion (saved, so it has its id). */
export function alertEntry(event: AlertEvent, sensor: Pick<SensorInfo, 'orgId' | 'alertContext'>, links: AlertLinks): OutboxEntry {
  return { orgId: sensor.orgId, excursionId: event.excursion.id!, payload: buildAlert(event, sensor.alertContext, links) };
}

/**
 * enqueueAlerts writes one outbox row per alert and router in the caller's transaction and
 * stamps the excursions. Each router has its own rows, so one that is down holds back only
 * itself (ADR 0068).
 */
export async function enqueueAlerts(client: PoolClient, entries: OutboxEntry[], routers: readonly string[]): Promise<void> {
  if (entries.length === 0 || routers.length === 0) return;
  await client.query(
    `INSERT INTO alert_outbox (org_id, excursion_id, payload, router)
     SELECT e.org_id, e.excursion_id, e.payload, r.router
     FROM unnest($1::uuid[], $2::uuid[], $3::jsonb[]) WITH ORDINALITY AS e(org_id, excursion_id, payload, n)
     CROSS JOIN unnest($4::text[]) AS r(router)
     ORDER BY e.n, r.router`,
    [entries.map((e) => e.orgId), entries.map((e) => e.excursionId), entries.map((e) => JSON.stringify(e.payload)), routers],
  );
  await client.query('UPDATE excursions SET last_alert_at = now() WHERE id = ANY($1::uuid[])', [
    entries.map((e) => e.excursionId),
  ]);
}

/**
 * adoptUnroutedAlerts gives rows without a router (queued before ADR 0068, or the control
 * plane's deploy alerts) to each of `routers`: a copy per router replaces the row. A copy is
 * skipped where the excursion already has a row for that router, which is newer. Rows leased
 * by someone else (the control plane's relay) are left alone.
 */
export async function adoptUnroutedAlerts(pool: Pool, routers: readonly string[]): Promise<number> {
  const { rowCount } = await pool.query(
    `WITH unrouted AS (
       DELETE FROM alert_outbox WHERE id IN (
         SELECT id FROM alert_outbox
         WHERE router IS NULL AND delivered_at IS NULL AND next_attempt_at <= now()
         ORDER BY id LIMIT 500 FOR UPDATE SKIP LOCKED)
       RETURNING id, org_id, excursion_id, payload, created_at)
     INSERT INTO alert_outbox (org_id, excursion_id, payload, created_at, router)
     SELECT u.org_id, u.excursion_id, u.payload, u.created_at, r.router
     FROM unrouted u CROSS JOIN unnest($1::text[]) AS r(router)
     WHERE u.excursion_id IS NULL
        OR NOT EXISTS (SELECT 1 FROM alert_outbox n WHERE n.excursion_id = u.excursion_id AND n.router = r.router)
     ORDER BY u.id, r.router`,
    [routers],
  );
  return rowCount ?? 0;
}

/**
 * dropAbandonedAlerts deletes undelivered rows for routers this process is not configured
 * with, once they are `olderThanSeconds` old: a router removed from ALERTMANAGER_URLS would
 * otherwise keep its rows pending, and the backlog alert firing, for ever. The age leaves a
 * rolling configuration change time to reach every replica. Returns how many it deleted.
 */
export async function dropAbandonedAlerts(pool: Pool, routers: readonly string[], olderThanSeconds: number): Promise<number> {
  const { rowCount } = await pool.query(
    `DELETE FROM alert_outbox
     WHERE delivered_at IS NULL AND router IS NOT NULL AND router <> ALL($1::text[])
       AND created_at < now() - $2 * interval '1 second'`,
    [routers, olderThanSeconds],
  );
  return rowCount ?? 0;
}

export interface ClaimedAlert {
  id: string;
  router: string;
  attempts: number;
  payload: PostableAlert;
}

/**
 * claimAlerts leases due rows of `routers` for `leaseSeconds` (next_attempt_at moves forward)
 * and commits at once, so no transaction stays open while a router is called: the lease, not a
 * row lock, keeps other replicas off them, and a crashed worker's rows come back when it ends.
 * Only the oldest undelivered row of each excursion and router is due, so firing and resolved
 * reach each router in order.
 */
export async function claimAlerts(pool: Pool, routers: readonly string[], limit: number, leaseSeconds: number): Promise<ClaimedAlert[]> {
  const { rows } = await pool.query<ClaimedAlert>(
    `UPDATE alert_outbox SET attempts = attempts + 1, next_attempt_at = now() + $3 * interval '1 second'
     WHERE id IN (
       SELECT o.id FROM alert_outbox o
       WHERE o.delivered_at IS NULL AND o.router = ANY($1::text[]) AND o.next_attempt_at <= now()
         AND NOT EXISTS (SELECT 1 FROM alert_outbox p
                         WHERE p.excursion_id = o.excursion_id AND p.router = o.router AND p.delivered_at IS NULL AND p.id < o.id)
       ORDER BY o.id LIMIT $2
       FOR UPDATE SKIP LOCKED)
     RETURNING id, router, attempts, payload`,
    [routers, limit, leaseSeconds],
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
