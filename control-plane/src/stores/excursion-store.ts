import { decodeCursor, encodeCursor } from '../domain/cursor';
import { query, queryOne, type Queryable } from './queryable';
import { ValidationError } from '../../../platform/errors/app-error';

type Row = Record<string, unknown>;

export const EXCURSION = `e.id, e.unit_id AS "unitId", u.name AS "unitName", e.sensor_id AS "sensorId", s.external_id AS "sensorExternalId",
  e.kind, e.direction, e.severity, e.state, e.breach_started_at AS "breachStartedAt", e.opened_at AS "openedAt", e.closed_at AS "closedAt",
  e.limit_c AS "limitC", e.peak_c AS "peakC", e.peak_at AS "peakAt", e.seconds_beyond_limit AS "secondsBeyondLimit",
  e.degree_minutes AS "degreeMinutes", e.last_temperature_c AS "lastTemperatureC", e.suggested_disposition AS "suggestedDisposition",
  e.created_at AS "detectedAt"`;

const CORRECTIVE = `c.id, c.excursion_id AS "excursionId", c.state, c.opened_at AS "openedAt", c.action_taken AS "actionTaken",
  c.product_disposition AS "productDisposition", c.completed_by AS "completedBy", c.completed_by_name AS "completedByName",
  c.completed_at AS "completedAt", c.completion_meaning AS "completionMeaning", c.verification_note AS "verificationNote",
  c.verified_by AS "verifiedBy", c.verified_by_name AS "verifiedByName", c.verified_at AS "verifiedAt",
  c.verification_meaning AS "verificationMeaning"`;

const LATEST_ACK = `(SELECT jsonb_build_object('by', a.acknowledged_by_name, 'at', a.acknowledged_at, 'comment', a.comment)
  FROM acknowledgements a WHERE a.org_id = e.org_id AND a.excursion_id = e.id ORDER BY a.acknowledged_at DESC LIMIT 1) AS "acknowledgement"`;

export interface ExcursionFilter {
  state?: string;
  unitId?: string;
  from?: Date;
  to?: Date;
  limit: number;
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export function cursorOf(text: string | undefined): { key: string; id: string } | undefined {
  if (text === undefined) return undefined;
  const c = decodeCursor(text);
  if (!c) throw new ValidationError('cursor', 'is not a cursor returned by this API');
  return c;
}

/** pageOf trims the extra row fetched to learn whether another page exists. */
export function pageOf<T extends Row>(rows: T[], limit: number, key: (row: T) => string, id: (row: T) => string): Page<T> {
  const more = rows.length > limit;
  const items = more ? rows.slice(0, limit) : rows;
  const last = items[items.length - 1];
  return { items, nextCursor: more && last ? encodeCursor({ key: key(last), id: id(last) }) : null };
}


/** ExcursionStore: one organization's excursions, live alerts, acknowledgements and corrective actions. */
export class ExcursionStore {
  constructor(
    private readonly db: Queryable,
    private readonly orgId: string,
  ) {}

  async list(f: ExcursionFilter): Promise<Page<Row>> {
    const c = cursorOf(f.cursor);
    const rows = await query<Row>(
      this.db,
      `SELECT ${EXCURSION}, ca.id AS "correctiveActionId", ca.state AS "correctiveActionState", ${LATEST_ACK}
       FROM excursions e JOIN units u ON u.id = e.unit_id JOIN sensors s ON s.id = e.sensor_id
       LEFT JOIN corrective_actions ca ON ca.excursion_id = e.id
       WHERE e.org_id = $1 AND ($2::text IS NULL OR e.state = $2) AND ($3::uuid IS NULL OR e.unit_id = $3)
         AND ($4::timestamptz IS NULL OR e.breach_started_at >= $4) AND ($5::timestamptz IS NULL OR e.breach_started_at < $5)
         AND ($6::timestamptz IS NULL OR (e.breach_started_at, e.id) < ($6, $7::uuid))
       ORDER BY e.breach_started_at DESC, e.id DESC LIMIT $8`,
      [this.orgId, f.state ?? null, f.unitId ?? null, f.from ?? null, f.to ?? null, c?.key ?? null, c?.id ?? null, f.limit + 1],
    );
    return pageOf(rows, f.limit, (r) => (r.breachStartedAt as Date).toISOString(), (r) => String(r.id));
  }

  get(id: string): Promise<Row> {
    return queryOne(
      this.db,
      `SELECT ${EXCURSION}, ca.id AS "correctiveActionId", ca.state AS "correctiveActionState", ${LATEST_ACK}
       FROM excursions e JOIN units u ON u.id = e.unit_id JOIN sensors s ON s.id = e.sensor_id
       LEFT JOIN corrective_actions ca ON ca.excursion_id = e.id
       WHERE e.org_id = $1 AND e.id = $2`,
      [this.orgId, id],
      'excursion',
    );
  }

  /** Live alerts: excursions not yet closed, most severe and oldest first, with their last ack. */
  alerts(limit: number): Promise<Row[]> {
    return query(
      this.db,
      `SELECT ${EXCURSION}, si.name AS "siteName", ${LATEST_ACK}
       FROM excursions e JOIN units u ON u.id = e.unit_id JOIN sites si ON si.id = u.site_id JOIN sensors s ON s.id = e.sensor_id
       WHERE e.org_id = $1 AND e.state <> 'closed'
       ORDER BY (e.severity = 'critical') DESC, e.breach_started_at LIMIT $2`,
      [this.orgId, limit],
    );
  }

  recordAck(a: { excursionId: string; subject: string; name: string; comment?: string; groupKey?: string }): Promise<Row> {
    return queryOne(
      this.db,
      `INSERT INTO acknowledgements (org_id, excursion_id, acknowledged_by, acknowledged_by_name, comment, group_key)
       VALUES ($1, $2, $3, $4, $5, $6)
       RETURNING id, excursion_id AS "excursionId", acknowledged_by AS "acknowledgedBy", acknowledged_by_name AS "acknowledgedByName",
                 comment, group_key AS "groupKey", acknowledged_at AS "acknowledgedAt"`,
      [this.orgId, a.excursionId, a.subject, a.name, a.comment ?? null, a.groupKey ?? null],
      'excursion',
    );
  }

  recordForwarding(ackId: string, forwarded: boolean, error: string | undefined): Promise<Row[]> {
    return query(this.db, 'UPDATE acknowledgements SET forwarded = $3, forward_error = $4 WHERE org_id = $1 AND id = $2', [this.orgId, ackId, forwarded, error ?? null]);
  }

  /** The router's group key for an excursion, from the notification history, if it notified. */
  async groupKeyFor(excursion: Row): Promise<string | undefined> {
    const rows = await query<{ group_key: string }>(
      this.db,
      `SELECT group_key FROM router_notification_log n
       WHERE EXISTS (SELECT 1 FROM jsonb_array_elements(COALESCE(n.payload->'alerts', '[]'::jsonb)) al
                     WHERE al->'labels'->>'alertname' = $1 AND al->'labels'->>'sensor' IN ($2, $3))
       ORDER BY sent_at DESC LIMIT 1`,
      [excursion.kind, excursion.sensorId, excursion.sensorExternalId],
    );
    return rows[0]?.group_key;
  }

  listCorrectiveActions(state: string | undefined, limit: number, cursor?: string): Promise<Page<Row>> {
    const c = cursorOf(cursor);
    return query<Row>(
      this.db,
      `SELECT ${CORRECTIVE}, e.kind, e.severity, e.unit_id AS "unitId" FROM corrective_actions c JOIN excursions e ON e.id = c.excursion_id
       WHERE c.org_id = $1 AND ($2::text IS NULL OR c.state = $2)
         AND ($3::timestamptz IS NULL OR (c.opened_at, c.id) < ($3, $4::uuid))
       ORDER BY c.opened_at DESC, c.id DESC LIMIT $5`,
      [this.orgId, state ?? null, c?.key ?? null, c?.id ?? null, limit + 1],
    ).then((rows) => pageOf(rows, limit, (r) => (r.openedAt as Date).toISOString(), (r) => String(r.id)));
  }

  /** getCorrectiveAction locks the row when asked, so two signers cannot race a transition. */
  getCorrectiveAction(id: string, forUpdate = false): Promise<Row> {
    return queryOne(this.db, `SELECT ${CORRECTIVE} FROM corrective_actions c WHERE c.org_id = $1 AND c.id = $2 ${forUpdate ? 'FOR UPDATE' : ''}`, [this.orgId, id], 'corrective action');
  }

  complete(id: string, a: { actionTaken: string; productDisposition: string; subject: string; name: string; meaning: string }): Promise<Row> {
    return queryOne(
      this.db,
      `UPDATE corrective_actions c SET state = 'completed', action_taken = $3, product_disposition = $4, completed_by = $5,
         completed_by_name = $6, completion_meaning = $7, completed_at = now(), updated_at = now()
       WHERE c.org_id = $1 AND c.id = $2 RETURNING ${CORRECTIVE}`,
      [this.orgId, id, a.actionTaken, a.productDisposition, a.subject, a.name, a.meaning],
      'corrective action',
    );
  }

  verify(id: string, v: { note: string; subject: string; name: string; meaning: string }): Promise<Row> {
    return queryOne(
      this.db,
      `UPDATE corrective_actions c SET state = 'verified', verification_note = $3, verified_by = $4, verified_by_name = $5,
         verification_meaning = $6, verified_at = now(), updated_at = now()
       WHERE c.org_id = $1 AND c.id = $2 RETURNING ${CORRECTIVE}`,
      [this.orgId, id, v.note, v.subject, v.name, v.meaning],
      'corrective action',
    );
  }
}
