import { RECORD_CLASS_TABLES, type RecordClass } from '../domain/record-classes';
import { query, queryOne, type Queryable } from './queryable';

type Row = Record<string, unknown>;

const DEPLOYMENT = `id, version, environment, result, description, recorded_by AS "recordedBy", recorded_at AS "recordedAt"`;
const HOLD = `id, record_class AS "recordClass", reason, placed_by AS "placedBy", placed_at AS "placedAt", released_by AS "releasedBy", released_at AS "releasedAt"`;

/** GovernanceStore: one organization's deployments, retention policies and legal holds. */
export class GovernanceStore {
  constructor(
    private readonly db: Queryable,
    private readonly orgId: string,
  ) {}

  listDeployments(limit: number): Promise<Row[]> {
    return query(this.db, `SELECT ${DEPLOYMENT} FROM deployments WHERE org_id = $1 ORDER BY recorded_at DESC LIMIT $2`, [this.orgId, limit]);
  }

  recordDeployment(d: { version: string; environment: string; result: string; description?: string; recordedBy: string }): Promise<Row> {
    return queryOne(
      this.db,
      `INSERT INTO deployments (org_id, version, environment, result, description, recorded_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${DEPLOYMENT}`,
      [this.orgId, d.version, d.environment, d.result, d.description ?? null, d.recordedBy],
      'deployment',
    );
  }

  /** Queues an Alertmanager v2 alert in the transactional outbox (delivered by a relay). */
  async enqueueAlert(payload: Record<string, unknown>): Promise<string> {
    const rows = await query<{ id: string }>(this.db, 'INSERT INTO alert_outbox (org_id, payload) VALUES ($1, $2) RETURNING id::text AS id', [this.orgId, JSON.stringify(payload)]);
    return rows[0].id;
  }

  retentionPolicies(): Promise<Row[]> {
    return query(this.db, `SELECT record_class AS "recordClass", retain_days AS "retainDays", updated_by AS "updatedBy", updated_at AS "updatedAt" FROM retention_policies WHERE org_id = $1`, [this.orgId]);
  }

  putRetention(recordClass: RecordClass, retainDays: number, by: string): Promise<Row> {
    return queryOne(
      this.db,
      `INSERT INTO retention_policies (org_id, record_class, retain_days, updated_by) VALUES ($1, $2, $3, $4)
       ON CONFLICT (org_id, record_class) DO UPDATE SET retain_days = EXCLUDED.retain_days, updated_by = EXCLUDED.updated_by, updated_at = now()
       RETURNING record_class AS "recordClass", retain_days AS "retainDays", updated_by AS "updatedBy", updated_at AS "updatedAt"`,
      [this.orgId, recordClass, retainDays, by],
      'retention policy',
    );
  }

  listHolds(): Promise<Row[]> {
    return query(this.db, `SELECT ${HOLD} FROM legal_holds WHERE org_id = $1 ORDER BY placed_at DESC`, [this.orgId]);
  }

  placeHold(h: { recordClass: string | null; reason: string; by: string }): Promise<Row> {
    return queryOne(this.db, `INSERT INTO legal_holds (org_id, record_class, reason, placed_by) VALUES ($1, $2, $3, $4) RETURNING ${HOLD}`, [this.orgId, h.recordClass, h.reason, h.by], 'legal hold');
  }

  releaseHold(id: string, by: string): Promise<Row> {
    return queryOne(
      this.db,
      `UPDATE legal_holds SET released_by = $3, released_at = now() WHERE org_id = $1 AND id = $2 AND released_at IS NULL RETURNING ${HOLD}`,
      [this.orgId, id, by],
      'active legal hold',
    );
  }

  /** Whether an active hold covers the class (a hold without class covers every class). */
  async isHeld(recordClass: RecordClass): Promise<boolean> {
    const rows = await query(this.db, 'SELECT 1 FROM legal_holds WHERE org_id = $1 AND released_at IS NULL AND (record_class IS NULL OR record_class = $2) LIMIT 1', [this.orgId, recordClass]);
    return rows.length > 0;
  }

  /** Deletes the class's rows older than the cutoff; the table and column come from a fixed map. */
  async purge(recordClass: RecordClass, cutoff: Date): Promise<number> {
    const { table, column } = RECORD_CLASS_TABLES[recordClass];
    const result = await this.db.query(`DELETE FROM ${table} WHERE org_id = $1 AND ${column} < $2`, [this.orgId, cutoff]);
    return result.rowCount ?? 0;
  }
}
