import { withTransaction, type Pool } from '../../../platform/db/pool';
import type { Queryable } from '../store/queryable';

export interface GroupAck {
  id: string;
  groupKey: string;
  acknowledgedBy: string;
  comment: string;
  acknowledgedAt: string;
  firingFingerprints: string[];
  clearedAt: string | null;
  clearedReason: string | null;
}

const COLUMNS = `id::text AS id, group_key AS "groupKey", acknowledged_by AS "acknowledgedBy", comment,
  acknowledged_at AS "acknowledgedAt", firing_fingerprints AS "firingFingerprints", cleared_at AS "clearedAt", cleared_reason AS "clearedReason"`;

const iso = (a: GroupAck): GroupAck => ({
  ...a,
  acknowledgedAt: new Date(a.acknowledgedAt).toISOString(),
  clearedAt: a.clearedAt ? new Date(a.clearedAt).toISOString() : null,
});

/** notifiedFiring is what responders were paged about: the firing alerts last sent for the group. */
async function notifiedFiring(q: Queryable, groupKey: string): Promise<string[] | null> {
  const r = await q.query<{ firing: string[] | null; n: string }>(
    `SELECT array_agg(DISTINCT fp) FILTER (WHERE fp IS NOT NULL) AS firing, count(*)::text AS n
       FROM router_notify_state LEFT JOIN LATERAL unnest(firing_fingerprints) AS fp ON true
      WHERE group_key = $1 AND last_sent_at IS NOT NULL`,
    [groupKey],
  );
  return r.rows[0].n === '0' ? null : (r.rows[0].firing ?? []);
}

/**
 * lockGroupAcks takes, for the rest of the transaction, the lock that orders a group's acks and
 * the opening of its escalation (Escalator.delivered). Without it an ack could land while the
 * group's first notification was opening the escalation: the ack's close found no row (not yet
 * committed), the opening had not seen the ack (its snapshot was older), and the acknowledged
 * group escalated all the same.
 */
export async function lockGroupAcks(q: Queryable, groupKey: string): Promise<void> {
  await q.query(`SELECT pg_advisory_xact_lock(hashtextextended('router_group_ack:' || $1, 0))`, [groupKey]);
}

async function supersede(q: Queryable, groupKey: string): Promise<void> {
  await q.query(`UPDATE router_group_acks SET cleared_at = now(), cleared_reason = 'superseded' WHERE group_key = $1 AND cleared_at IS NULL`, [groupKey]);
}

async function insertAck(q: Queryable, groupKey: string, by: string, comment: string, firing: string[]): Promise<GroupAck> {
  const r = await q.query<GroupAck>(
    `INSERT INTO router_group_acks (group_key, acknowledged_by, comment, firing_fingerprints) VALUES ($1, $2, $3, $4) RETURNING ${COLUMNS}`,
    [groupKey, by, comment, firing],
  );
  return iso(r.rows[0]);
}

async function closeEscalation(q: Queryable, groupKey: string, reason: string): Promise<void> {
  await q.query(
    `UPDATE router_escalations SET next_at = NULL, closed_at = now(), closed_reason = $2, claim_token = NULL, claim_expires_at = NULL
      WHERE group_key = $1 AND closed_at IS NULL`,
    [groupKey, reason],
  );
}

/**
 * AckStore records who acknowledged a group (Alertmanager #1860). An ack covers the firing
 * alerts the group was last notified with, on any replica; the send decision then skips
 * repeats until the firing set grows (ha/domain/send-decision.ts). Acking also stops the
 * group's escalation. Every ack is kept for the audit trail.
 */
export class AckStore {
  constructor(private readonly pool: Pool) {}

  /** acknowledge returns the new ack, or undefined when the group was never notified. */
  async acknowledge(groupKey: string, by: string, comment: string): Promise<GroupAck | undefined> {
    return withTransaction(this.pool, async (c) => {
      await lockGroupAcks(c, groupKey);
      const firing = await notifiedFiring(c, groupKey);
      if (firing === null) return undefined;
      await supersede(c, groupKey);
      const ack = await insertAck(c, groupKey, by, comment, firing);
      await closeEscalation(c, groupKey, `acknowledged by ${by}`);
      return ack;
    });
  }

  /** history lists a group's acks, newest first (current and cleared). */
  async history(groupKey: string): Promise<GroupAck[]> {
    const r = await this.pool.query<GroupAck>(`SELECT ${COLUMNS} FROM router_group_acks WHERE group_key = $1 ORDER BY id DESC`, [groupKey]);
    return r.rows.map(iso);
  }
}
