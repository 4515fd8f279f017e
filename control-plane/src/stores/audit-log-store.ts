import { auditHash, GENESIS_HASH, type ChainRow } from '../domain/audit-hash';
import { cursorOf, pageOf, type Page } from './excursion-store';
import { query, type Queryable } from './queryable';

export interface AuditEntry {
  actor: string;
  action: string;
  entityType: string;
  entityId?: string | null;
  before?: unknown;
  after?: unknown;
}

/** Plain JSON (dates as ISO strings), exactly what jsonb will hand back for hashing later. */
function plain(value: unknown): unknown {
  return value === undefined || value === null ? null : JSON.parse(JSON.stringify(value));
}

/**
 * AuditLogStore appends to and reads one organization's hash chain. append must run inside
 * the transaction of the change it records: it takes a transaction-scoped advisory lock per
 * organization, so chain order equals commit order, and the row commits or not with the change.
 */
export class AuditLogStore {
  constructor(
    private readonly db: Queryable,
    private readonly orgId: string,
  ) {}

  async append(entry: AuditEntry): Promise<{ seq: string; hash: string }> {
    await this.db.query(`SELECT pg_advisory_xact_lock(hashtextextended('audit_log:' || $1, 0))`, [this.orgId]);
    const last = await this.db.query<{ hash: string }>('SELECT hash FROM audit_log WHERE org_id = $1 ORDER BY seq DESC LIMIT 1', [this.orgId]);
    const prevHash = last.rows[0]?.hash ?? GENESIS_HASH;
    const next = await this.db.query<{ seq: string; now: Date }>(`SELECT nextval(pg_get_serial_sequence('audit_log', 'seq'))::text AS seq, now() AS now`);
    const record = {
      seq: next.rows[0].seq,
      orgId: this.orgId,
      occurredAt: next.rows[0].now.toISOString(),
      actor: entry.actor,
      action: entry.action,
      entityType: entry.entityType,
      entityId: entry.entityId ?? null,
      before: plain(entry.before),
      after: plain(entry.after),
    };
    const hash = auditHash(prevHash, record);
    await this.db.query(
      `INSERT INTO audit_log (seq, org_id, occurred_at, actor, action, entity_type, entity_id, before, after, prev_hash, hash)
       OVERRIDING SYSTEM VALUE VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [record.seq, record.orgId, record.occurredAt, record.actor, record.action, record.entityType, record.entityId, JSON.stringify(record.before), JSON.stringify(record.after), prevHash, hash],
    );
    return { seq: record.seq, hash };
  }

  async list(f: { entityType?: string; actor?: string; from?: Date; to?: Date; limit: number; cursor?: string }): Promise<Page<Record<string, unknown>>> {
    const c = cursorOf(f.cursor);
    const rows = await query(
      this.db,
      `SELECT seq::text AS seq, occurred_at AS "occurredAt", actor, action, entity_type AS "entityType", entity_id AS "entityId",
              before, after, prev_hash AS "prevHash", hash
       FROM audit_log WHERE org_id = $1 AND ($2::text IS NULL OR entity_type = $2) AND ($3::text IS NULL OR actor = $3)
         AND ($4::timestamptz IS NULL OR occurred_at >= $4) AND ($5::timestamptz IS NULL OR occurred_at < $5)
         AND ($6::bigint IS NULL OR audit_log.seq < $6)
       ORDER BY audit_log.seq DESC LIMIT $7`,
      [this.orgId, f.entityType ?? null, f.actor ?? null, f.from ?? null, f.to ?? null, c?.key ?? null, f.limit + 1],
    );
    return pageOf(rows, f.limit, (r) => String(r.seq), (r) => String(r.seq));
  }

  /** The whole chain in order, as hashed (verification reads everything: chains are per org). */
  async chain(): Promise<ChainRow[]> {
    const { rows } = await this.db.query<{
      seq: string; occurred_at: Date; actor: string; action: string; entity_type: string; entity_id: string | null;
      before: unknown; after: unknown; prev_hash: string; hash: string;
    }>('SELECT seq::text AS seq, occurred_at, actor, action, entity_type, entity_id, before, after, prev_hash, hash FROM audit_log WHERE org_id = $1 ORDER BY audit_log.seq', [this.orgId]);
    return rows.map((r) => ({
      seq: r.seq,
      orgId: this.orgId,
      occurredAt: r.occurred_at.toISOString(),
      actor: r.actor,
      action: r.action,
      entityType: r.entity_type,
      entityId: r.entity_id,
      before: r.before,
      after: r.after,
      prevHash: r.prev_hash,
      hash: r.hash,
    }));
  }
}
