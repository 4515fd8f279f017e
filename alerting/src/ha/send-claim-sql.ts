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
 * renewClaims moves the expiry of each given claim to `now` (the database clock unless a test
 * injects one) plus its lease, in one statement; returns the tokens it matched. It matches on
 * the token only: a claim that lapsed but was not taken over is still the only claim on its
 * row, so extending it is safe; one that was taken over has another token, and its former
 * holder learns it lost.
 */
export async function renewClaims(
  q: Queryable,
  claims: { key: NotifyKey; token: string; leaseMs: number }[],
  now: Date | null,
): Promise<Set<string>> {
  if (claims.length === 0) return new Set();
  const r = await q.query<{ token: string }>(
    `UPDATE router_notify_state AS s
        SET claim_expires_at = COALESCE($6::timestamptz, clock_timestamp()) + r.lease_ms * interval '1 millisecond'
       FROM unnest($1::text[], $2::text[], $3::text[], $4::uuid[], $5::integer[]) AS r(receiver, integration, group_key, token, lease_ms)
      WHERE s.receiver = r.receiver AND s.integration = r.integration AND s.group_key = r.group_key AND s.claim_token = r.token
      RETURNING s.claim_token AS token`,
    [
      claims.map((c) => c.key.receiver),
      claims.map((c) => c.key.integration),
      claims.map((c) => c.key.groupKey),
      claims.map((c) => c.token),
      claims.map((c) => Math.round(c.leaseMs)),
      now,
    ],
  );
  return new Set(r.rows.map((row) => row.token));
}

/**
 * leaseLeft reads, without locking or writing, how long the entry's current claim still runs
 * by the database clock: 0 when there is none or it lapsed. Replicas waiting on another's
 * send poll this, and only claim (a write transaction) once it is 0.
 */
export async function leaseLeft(q: Queryable, k: NotifyKey): Promise<number> {
  const r = await q.query<{ left: string | null }>(
    `SELECT EXTRACT(EPOCH FROM (claim_expires_at - clock_timestamp())) * 1000 AS left
       FROM router_notify_state WHERE receiver = $1 AND integration = $2 AND group_key = $3 AND claim_token IS NOT NULL`,
    [k.receiver, k.integration, k.groupKey],
  );
  return Math.max(0, Number(r.rows[0]?.left ?? 0));
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
