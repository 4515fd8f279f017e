import type { Queryable } from './queryable';

/** Attempt is one delivery attempt as the auditors' history keeps it. */
export interface Attempt {
  receiver: string;
  integration: string;
  groupKey: string;
  firing: string[];
  resolved: string[];
  outcome: 'success' | 'failure';
  error?: string | null;
  /** 1 for the first try of a flush, 2… for retries. */
  attempt: number;
  replica: string;
  durationMs?: number | null;
  /** What was sent, for the audit trail; never holds credentials (those live in http_config). */
  payload?: unknown;
}

export interface HistoryEntry {
  id: string;
  sentAt: string;
  receiver: string;
  integration: string;
  groupKey: string;
  firingFingerprints: string[];
  resolvedFingerprints: string[];
  outcome: 'success' | 'failure';
  error: string | null;
  attempt: number;
  replica: string | null;
  durationMs: number | null;
}

export interface HistoryFilter {
  receiver?: string;
  groupKey?: string;
  from?: Date;
  to?: Date;
  outcome?: 'success' | 'failure';
  limit: number;
  /** Id of the last entry of the previous page (entries come newest first). */
  before?: string;
}

/**
 * NotificationHistoryStore is the router_notification_log table: every attempt, appended by
 * whichever replica made it, queried by auditors and pruned after the retention period.
 */
export class NotificationHistoryStore {
  constructor(private readonly db: Queryable) {}

  async append(a: Attempt): Promise<void> {
    await this.db.query(
      `INSERT INTO router_notification_log
         (receiver, integration, group_key, firing_fingerprints, resolved_fingerprints, outcome, error, attempt, replica, duration_ms, payload)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        a.receiver,
        a.integration,
        a.groupKey,
        a.firing,
        a.resolved,
        a.outcome,
        a.error ?? null,
        a.attempt,
        a.replica,
        a.durationMs === undefined || a.durationMs === null ? null : Math.round(a.durationMs),
        a.payload === undefined ? null : JSON.stringify(a.payload),
      ],
    );
  }

  /** list returns entries newest first, filtered; `before` pages on by id. */
  async list(f: HistoryFilter): Promise<HistoryEntry[]> {
    const where: string[] = [];
    const values: unknown[] = [];
    const add = (sql: string, v: unknown) => {
      values.push(v);
      where.push(sql.replace('?', `$${values.length}`));
    };
    if (f.receiver !== undefined) add('receiver = ?', f.receiver);
    if (f.groupKey !== undefined) add('group_key = ?', f.groupKey);
    if (f.from) add('sent_at >= ?', f.from);
    if (f.to) add('sent_at < ?', f.to);
    if (f.outcome) add('outcome = ?', f.outcome);
    if (f.before) add('id < ?', f.before);
    values.push(f.limit);
    const r = await this.db.query<HistoryEntry>(
      `SELECT id::text AS id, sent_at AS "sentAt", receiver, integration, group_key AS "groupKey",
              firing_fingerprints AS "firingFingerprints", resolved_fingerprints AS "resolvedFingerprints",
              outcome, error, attempt, replica, duration_ms AS "durationMs"
         FROM router_notification_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY id DESC LIMIT $${values.length}`,
      values,
    );
    return r.rows.map((row) => ({ ...row, sentAt: new Date(row.sentAt).toISOString() }));
  }

  /** prune deletes attempts older than `before`; returns how many went. */
  async prune(before: Date): Promise<number> {
    const r = await this.db.query('DELETE FROM router_notification_log WHERE sent_at < $1', [before]);
    return r.rowCount ?? 0;
  }
}
