import type { Queryable } from '../store/queryable';

export interface Escalation {
  groupKey: string;
  chain: string[];
  step: number;
  afterMs: number;
  groupLabels: Record<string, string>;
  firingFingerprints: string[];
  startedAt: Date;
  nextAt: Date | null;
  closedAt: Date | null;
  closedReason: string | null;
}

/** DueEscalation is an escalation step a replica has claimed and must now send. */
export interface DueEscalation extends Escalation {
  claimToken: string;
}

const COLUMNS = `group_key AS "groupKey", chain, step, after_ms::float8 AS "afterMs", group_labels AS "groupLabels",
  firing_fingerprints AS "firingFingerprints", started_at AS "startedAt", next_at AS "nextAt", closed_at AS "closedAt", closed_reason AS "closedReason"`;

export interface StartEscalation {
  groupKey: string;
  chain: string[];
  afterMs: number;
  groupLabels: Record<string, string>;
  firing: string[];
  now: Date;
}

/**
 * EscalationStore is router_escalations: one row per group, shared by every replica. Due
 * steps are claimed with FOR UPDATE SKIP LOCKED plus a lease, so exactly one replica sends
 * each step and a dead replica's step is retried after the lease.
 */
export class EscalationStore {
  constructor(private readonly db: Queryable) {}

  /**
   * start opens an escalation when a group is first notified; an open one keeps its timer
   * (a repeat or a new alert in the group must not postpone escalation), and a group whose
   * firing alerts are all acknowledged does not start one. A closed one starts over only for
   * a new problem: the group resolved and fired again, or alerts it never covered joined
   * (a repeat after the chain ran out or after an ack does not restart it).
   */
  async start(s: StartEscalation): Promise<boolean> {
    const r = await this.db.query(
      `INSERT INTO router_escalations (group_key, chain, step, after_ms, group_labels, firing_fingerprints, started_at, next_at)
       SELECT $1::text, $2::text[], 0, $3::bigint, $4::jsonb, $5::text[], $6::timestamptz, $6::timestamptz + $3::bigint * interval '1 millisecond'
        WHERE NOT EXISTS (SELECT 1 FROM router_group_acks a WHERE a.group_key = $1 AND a.cleared_at IS NULL AND a.firing_fingerprints @> $5::text[])
       ON CONFLICT (group_key) DO UPDATE
         SET chain = EXCLUDED.chain, step = 0, after_ms = EXCLUDED.after_ms, group_labels = EXCLUDED.group_labels,
             firing_fingerprints = EXCLUDED.firing_fingerprints, started_at = EXCLUDED.started_at, next_at = EXCLUDED.next_at,
             claim_token = NULL, claim_expires_at = NULL, closed_at = NULL, closed_reason = NULL
       WHERE router_escalations.closed_at IS NOT NULL
         AND (router_escalations.closed_reason LIKE '%resolved' OR NOT router_escalations.firing_fingerprints @> EXCLUDED.firing_fingerprints)`,
      [s.groupKey, s.chain, s.afterMs, JSON.stringify(s.groupLabels), s.firing, s.now],
    );
    return (r.rowCount ?? 0) > 0;
  }

  /** claimDue takes up to `limit` due, unclaimed (or lapsed) steps for this replica. */
  async claimDue(now: Date, token: string, leaseMs: number, limit: number): Promise<DueEscalation[]> {
    const r = await this.db.query<Escalation>(
      `UPDATE router_escalations SET claim_token = $2, claim_expires_at = $1::timestamptz + $3::bigint * interval '1 millisecond'
        WHERE group_key IN (
          SELECT group_key FROM router_escalations
           WHERE closed_at IS NULL AND next_at <= $1 AND (claim_expires_at IS NULL OR claim_expires_at <= $1)
           ORDER BY next_at LIMIT $4 FOR UPDATE SKIP LOCKED)
        RETURNING ${COLUMNS}`,
      [now, token, leaseMs, limit],
    );
    return r.rows.map((e) => ({ ...e, claimToken: token }));
  }

  /** advance records a sent step: the next one is due after another escalate_after, or the chain is done. */
  async advance(e: DueEscalation, now: Date): Promise<boolean> {
    const done = e.step + 1 >= e.chain.length;
    const r = await this.db.query(
      `UPDATE router_escalations
          SET step = step + 1, claim_token = NULL, claim_expires_at = NULL,
              next_at = CASE WHEN $3 THEN NULL ELSE $2::timestamptz + after_ms * interval '1 millisecond' END,
              closed_at = CASE WHEN $3 THEN $2::timestamptz ELSE NULL END,
              closed_reason = CASE WHEN $3 THEN 'chain exhausted' ELSE NULL END
        WHERE group_key = $1 AND claim_token = $4 AND closed_at IS NULL`,
      [e.groupKey, now, done, e.claimToken],
    );
    return (r.rowCount ?? 0) > 0;
  }

  /** release gives a failed step back; it stays due and the next tick retries it. */
  async release(e: DueEscalation): Promise<void> {
    await this.db.query(`UPDATE router_escalations SET claim_token = NULL, claim_expires_at = NULL WHERE group_key = $1 AND claim_token = $2`, [
      e.groupKey,
      e.claimToken,
    ]);
  }

  /** close stops a group's escalation (resolved, or acknowledged: see AckStore). */
  async close(groupKey: string, reason: string, now: Date): Promise<boolean> {
    const r = await this.db.query(
      `UPDATE router_escalations SET next_at = NULL, closed_at = $3, closed_reason = $2, claim_token = NULL, claim_expires_at = NULL
        WHERE group_key = $1 AND closed_at IS NULL`,
      [groupKey, reason, now],
    );
    return (r.rowCount ?? 0) > 0;
  }

  /**
   * closeResolved closes a group's escalation because it resolved and returns the chain
   * receivers already notified (also of an escalation closed earlier by an ack or by running
   * out of chain): they were told it fired, so they are told it resolved.
   */
  async closeResolved(groupKey: string, now: Date): Promise<string[]> {
    const r = await this.db.query<{ notified: string[] }>(
      `UPDATE router_escalations
          SET next_at = NULL, claim_token = NULL, claim_expires_at = NULL,
              closed_at = COALESCE(closed_at, $2),
              closed_reason = CASE WHEN closed_at IS NULL THEN 'resolved' ELSE closed_reason || ', then resolved' END
        WHERE group_key = $1
        RETURNING chain[1:step] AS notified`,
      [groupKey, now],
    );
    return r.rows[0]?.notified ?? [];
  }

  async get(groupKey: string): Promise<Escalation | undefined> {
    const r = await this.db.query<Escalation>(`SELECT ${COLUMNS} FROM router_escalations WHERE group_key = $1`, [groupKey]);
    return r.rows[0];
  }
}
