import { randomUUID } from 'node:crypto';
import type { PoolClient } from '../../../platform/db/pool';
import type { Excursion, ExcursionKind } from '../domain/excursion';

interface ExcursionRow {
  id: string;
  sensor_id: string;
  kind: ExcursionKind;
  direction: 'high' | 'low' | null;
  severity: 'warning' | 'critical';
  state: 'pending' | 'open' | 'closed';
  breach_started_at: Date;
  opened_at: Date | null;
  closed_at: Date | null;
  limit_c: number | null;
  peak_c: number | null;
  peak_at: Date | null;
  seconds_beyond_limit: number;
  degree_minutes: number;
  last_reading_at: Date | null;
  last_temperature_c: number | null;
  suggested_disposition: Excursion['suggestedDisposition'];
}

function fromRow(r: ExcursionRow): Excursion {
  return {
    id: r.id,
    kind: r.kind,
    direction: r.direction,
    severity: r.severity,
    state: r.state,
    breachStartedAt: r.breach_started_at,
    openedAt: r.opened_at,
    closedAt: r.closed_at,
    limitC: r.limit_c,
    peakC: r.peak_c,
    peakAt: r.peak_at,
    secondsBeyondLimit: r.seconds_beyond_limit,
    degreeMinutes: r.degree_minutes,
    lastReadingAt: r.last_reading_at,
    lastTemperatureC: r.last_temperature_c,
    suggestedDisposition: r.suggested_disposition,
  };
}

export type LiveExcursions = Map<string, Partial<Record<ExcursionKind, Excursion>>>;

const TIMESTAMP_COLUMNS = ['breach_started_at', 'opened_at', 'closed_at', 'peak_at', 'last_reading_at'] as const;

/**
 * liveExcursionsFromJson reads a sensor's live excursions as PostgreSQL's `to_jsonb(row)`
 * renders them (ingest_begin_write, migration 0120): timestamps arrive as strings.
 */
export function liveExcursionsFromJson(rows: Record<string, unknown>[] | null): Partial<Record<ExcursionKind, Excursion>> {
  const out: Partial<Record<ExcursionKind, Excursion>> = {};
  for (const json of rows ?? []) {
    const row = { ...json } as Record<string, unknown>;
    for (const column of TIMESTAMP_COLUMNS) if (typeof row[column] === 'string') row[column] = new Date(row[column] as string);
    const excursion = fromRow(row as unknown as ExcursionRow);
    out[excursion.kind] = excursion;
  }
  return out;
}

/**
 * liveExcursionsOf reads the live excursions of one kind for `sensorIds`; under the caller's
 * sensor locks it is the state ingest will see next.
 */
export async function liveExcursionsOf(client: PoolClient, sensorIds: string[], kind: ExcursionKind): Promise<{ sensorId: string; excursion: Excursion }[]> {
  const { rows } = await client.query<ExcursionRow>(`SELECT * FROM excursions WHERE sensor_id = ANY($1::uuid[]) AND kind = $2 AND state <> 'closed'`, [
    sensorIds,
    kind,
  ]);
  return rows.map((r) => ({ sensorId: r.sensor_id, excursion: fromRow(r) }));
}

/** temperatureExcursionsBetween: a sensor's temperature excursions overlapping [from, to], live ones included. */
export async function temperatureExcursionsBetween(client: PoolClient, sensorId: string, from: Date, to: Date): Promise<Excursion[]> {
  const { rows } = await client.query<ExcursionRow>(
    `SELECT * FROM excursions
     WHERE sensor_id = $1 AND kind = 'TemperatureExcursion' AND breach_started_at <= $3 AND (closed_at IS NULL OR closed_at >= $2)`,
    [sensorId, from, to],
  );
  return rows.map(fromRow);
}

export interface ExcursionOwner {
  orgId: string;
  unitId: string;
  sensorId: string;
}

/**
 * saveExcursion writes one excursion back: a new one is inserted (and gets its id), a
 * discarded pending breach is deleted, anything else updated. Returns false for a discarded
 * breach that was never stored.
 */
export async function saveExcursion(client: PoolClient, owner: ExcursionOwner, ex: Excursion): Promise<boolean> {
  if (ex.discarded) {
    if (ex.id) await client.query('DELETE FROM excursions WHERE id = $1', [ex.id]);
    return false;
  }
  const values = [
    ex.direction,
    ex.severity,
    ex.state,
    ex.breachStartedAt,
    ex.openedAt,
    ex.closedAt,
    ex.limitC,
    ex.peakC,
    ex.peakAt,
    ex.secondsBeyondLimit,
    ex.degreeMinutes,
    ex.lastReadingAt,
    ex.lastTemperatureC,
    ex.suggestedDisposition,
  ];
  if (ex.id) {
    await client.query(
      `UPDATE excursions SET direction = $2, severity = $3, state = $4, breach_started_at = $5, opened_at = $6,
         closed_at = $7, limit_c = $8, peak_c = $9, peak_at = $10, seconds_beyond_limit = $11, degree_minutes = $12,
         last_reading_at = $13, last_temperature_c = $14, suggested_disposition = $15, updated_at = now()
       WHERE id = $1`,
      [ex.id, ...values],
    );
    return true;
  }
  ex.id = randomUUID();
  await client.query(
    `INSERT INTO excursions (id, org_id, unit_id, sensor_id, kind, direction, severity, state, breach_started_at,
       opened_at, closed_at, limit_c, peak_c, peak_at, seconds_beyond_limit, degree_minutes, last_reading_at,
       last_temperature_c, suggested_disposition)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)`,
    [ex.id, owner.orgId, owner.unitId, owner.sensorId, ex.kind, ...values],
  );
  return true;
}

export interface OpenExcursionRef {
  id: string;
  sensorId: string;
  excursion: Excursion;
  /** The routers due a re-send of it. */
  routers: string[];
}

/**
 * openExcursionsDueForResend: open excursions whose last alert was queued longer ago than the
 * resend interval, each with the routers that have nothing of it waiting (a router that is down
 * is not flooded with copies, and does not hold back the others: ADR 0068). Locked SKIP LOCKED
 * so replicas share the work.
 */
export async function openExcursionsDueForResend(
  client: PoolClient,
  routers: readonly string[],
  resendSeconds: number,
  limit: number,
): Promise<OpenExcursionRef[]> {
  const { rows } = await client.query<ExcursionRow & { due_routers: string[] }>(
    `WITH due AS (
       SELECT e.id, r.router FROM excursions e CROSS JOIN unnest($1::text[]) AS r(router)
       WHERE e.state = 'open' AND (e.last_alert_at IS NULL OR e.last_alert_at < now() - $2 * interval '1 second')
         AND NOT EXISTS (SELECT 1 FROM alert_outbox o WHERE o.excursion_id = e.id AND o.router = r.router AND o.delivered_at IS NULL)
     ), locked AS (
       SELECT e.* FROM excursions e WHERE e.id IN (SELECT id FROM due)
       ORDER BY e.last_alert_at NULLS FIRST LIMIT $3
       FOR UPDATE OF e SKIP LOCKED
     )
     SELECT l.*, (SELECT array_agg(d.router ORDER BY d.router) FROM due d WHERE d.id = l.id) AS due_routers FROM locked l`,
    [routers, resendSeconds, limit],
  );
  return rows.map((r) => ({ id: r.id, sensorId: r.sensor_id, excursion: fromRow(r), routers: r.due_routers }));
}
