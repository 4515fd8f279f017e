import type { Queryable } from '../store/queryable';

/** NotifyKey names one notification-log entry, as Alertmanager keys its nflog. */
export interface NotifyKey {
  receiver: string;
  /** Integration name and index, e.g. `webhook[0]`. */
  integration: string;
  groupKey: string;
}

export interface StateRow {
  firing: string[];
  resolved: string[];
  lastSentAt: Date | null;
  claimOwner: string | null;
  claimExpiresAt: Date | null;
  /** The firing set covered by the group's current ack, if any. */
  ackFiring: string[] | null;
  dbNow: Date;
}

/**
 * lockStateRow creates the entry if missing and locks it in one statement (ON CONFLICT DO
 * UPDATE takes the row lock): concurrent claimers queue here, one at a time. It also reads
 * the group's current ack and the database clock, so a claim costs one round trip plus the
 * claim itself.
 */
export async function lockStateRow(q: Queryable, k: NotifyKey): Promise<StateRow> {
  const r = await q.query<StateRow>(
    `INSERT INTO router_notify_state AS s (receiver, integration, group_key) VALUES ($1, $2, $3)
     ON CONFLICT (receiver, integration, group_key) DO UPDATE SET updated_at = s.updated_at
     RETURNING s.firing_fingerprints AS firing, s.resolved_fingerprints AS resolved, s.last_sent_at AS "lastSentAt",
               s.claim_owner AS "claimOwner", s.claim_expires_at AS "claimExpiresAt",
               (SELECT a.firing_fingerprints FROM router_group_acks a WHERE a.group_key = $3 AND a.cleared_at IS NULL) AS "ackFiring",
               clock_timestamp() AS "dbNow"`,
    [k.receiver, k.integration, k.groupKey],
  );
  return r.rows[0];
}

export interface ClaimValues {
  token: string;
  owner: string;
  firing: string[];
  resolved: string[];
  expiresAt: Date;
}

/** takeClaim records this replica's in-flight send on the locked row. */
export async function takeClaim(q: Queryable, k: NotifyKey, c: ClaimValues): Promise<void> {
  await q.query(
    `UPDATE router_notify_state
        SET claim_token = $4, claim_owner = $5, claim_firing = $6, claim_resolved = $7, claim_expires_at = $8, updated_at = now()
      WHERE receiver = $1 AND integration = $2 AND group_key = $3`,
    [k.receiver, k.integration, k.groupKey, c.token, c.owner, c.firing, c.resolved, c.expiresAt],
  );
}

/**
 * renewClaim moves a live claim's expiry to `now` (the database clock unless a test injects
 * one) plus the lease. It matches on the token only: a claim that lapsed but was not taken
 * over is still the only claim on the row, so extending it is safe; one that was taken over
 * has another token, and the holder learns it lost (returns false).
 */
export async function renewClaim(q: Queryable, k: NotifyKey, token: string, leaseMs: number, now: Date | null): Promise<boolean> {
  const r = await q.query(
    `UPDATE router_notify_state
        SET claim_expires_at = COALESCE($6::timestamptz, clock_timestamp()) + $5 * interval '1 millisecond'
      WHERE receiver = $1 AND integration = $2 AND group_key = $3 AND claim_token = $4`,
    [k.receiver, k.integration, k.groupKey, token, leaseMs, now],
  );
  return (r.rowCount ?? 0) > 0;
}

/** clearAck retires a group's current ack (its firing set changed or the group resolved). */
export async function clearAck(q: Queryable, groupKey: string, reason: string): Promise<void> {
  await q.query(`UPDATE router_group_acks SET cleared_at = now(), cleared_reason = $2 WHERE group_key = $1 AND cleared_at IS NULL`, [groupKey, reason]);
}

/**
 * settleSuccess moves the claimed sets into the log entry. It only matches while the claim is
 * still ours: a claim that lapsed and was taken over is not overwritten (returns false).
 */
export async function settleSuccess(q: Queryable, k: NotifyKey, token: string, sentAt: Date | null): Promise<boolean> {
  const r = await q.query(
    `UPDATE router_notify_state
        SET firing_fingerprints = claim_firing, resolved_fingerprints = claim_resolved, last_sent_at = COALESCE($5, now()),
            claim_token = NULL, claim_owner = NULL, claim_firing = NULL, claim_resolved = NULL, claim_expires_at = NULL,
            updated_at = now()
      WHERE receiver = $1 AND integration = $2 AND group_key = $3 AND claim_token = $4`,
    [k.receiver, k.integration, k.groupKey, token, sentAt],
  );
  return (r.rowCount ?? 0) > 0;
}

/** releaseClaim gives a failed send back, so the next tick (on any replica) retries at once. */
export async function releaseClaim(q: Queryable, k: NotifyKey, token: string): Promise<boolean> {
  const r = await q.query(
    `UPDATE router_notify_state
        SET claim_token = NULL, claim_owner = NULL, claim_firing = NULL, claim_resolved = NULL, claim_expires_at = NULL, updated_at = now()
      WHERE receiver = $1 AND integration = $2 AND group_key = $3 AND claim_token = $4`,
    [k.receiver, k.integration, k.groupKey, token],
  );
  return (r.rowCount ?? 0) > 0;
}

/** deleteStaleState drops log entries untouched since `before` that hold no live claim (nflog GC). */
export async function deleteStaleState(q: Queryable, before: Date, now: Date): Promise<number> {
  const r = await q.query(
    `DELETE FROM router_notify_state WHERE updated_at < $1 AND (claim_expires_at IS NULL OR claim_expires_at < $2)`,
    [before, now],
  );
  return r.rowCount ?? 0;
}
