import { cursorOf, pageOf, type Page } from './excursion-store';
import { query, type Queryable } from './queryable';

type Row = Record<string, unknown>;

export interface RangeFilter {
  from?: Date;
  to?: Date;
  limit: number;
  cursor?: string;
}

const iso = (r: Row, k: string) => (r[k] as Date).toISOString();

/**
 * AuditViewStore serves the auditor's records with keyset pagination. Tenant records filter
 * by the store's org; backups and certificates are records of the shared service itself
 * (no org column) and are the same for every organization; notifications are filtered to
 * alerts labelled with the organization (its id or slug in the `org` label).
 */
export class AuditViewStore {
  constructor(
    private readonly db: Queryable,
    private readonly orgId: string,
  ) {}

  async temperatureLog(f: RangeFilter & { unitId?: string }): Promise<Page<Row>> {
    const c = cursorOf(f.cursor);
    const rows = await query<Row>(
      this.db,
      `SELECT r.recorded_at AS "recordedAt", r.received_at AS "receivedAt", si.name AS "site", u.name AS "unit", u.unit_type AS "unitType",
              s.external_id AS "sensor", r.sensor_id AS "sensorId", r.temperature_c AS "temperatureC",
              round((r.temperature_c * 9 / 5 + 32)::numeric, 1)::float8 AS "temperatureF", r.door_open AS "doorOpen"
       FROM readings r JOIN sensors s ON s.id = r.sensor_id JOIN units u ON u.id = r.unit_id JOIN sites si ON si.id = u.site_id
       WHERE r.org_id = $1 AND ($2::uuid IS NULL OR r.unit_id = $2)
         AND ($3::timestamptz IS NULL OR r.recorded_at >= $3) AND ($4::timestamptz IS NULL OR r.recorded_at < $4)
         AND ($5::timestamptz IS NULL OR (r.recorded_at, r.sensor_id) > ($5, $6::uuid))
       ORDER BY r.recorded_at, r.sensor_id LIMIT $7`,
      [this.orgId, f.unitId ?? null, f.from ?? null, f.to ?? null, c?.key ?? null, c?.id ?? null, f.limit + 1],
    );
    return pageOf(rows, f.limit, (r) => iso(r, 'recordedAt'), (r) => String(r.sensorId));
  }

  async excursionsWithActions(f: RangeFilter & { unitId?: string }): Promise<Page<Row>> {
    const c = cursorOf(f.cursor);
    const rows = await query<Row>(
      this.db,
      `SELECT e.id, si.name AS "site", u.name AS "unit", s.external_id AS "sensor", e.kind, e.severity, e.state, e.direction,
              e.breach_started_at AS "breachStartedAt", e.opened_at AS "openedAt", e.closed_at AS "closedAt", e.limit_c AS "limitC",
              e.peak_c AS "peakC", e.degree_minutes AS "degreeMinutes", e.created_at AS "detectedAt", ca.state AS "correctiveActionState", ca.action_taken AS "actionTaken",
              ca.product_disposition AS "productDisposition", ca.completed_by_name AS "completedBy", ca.completed_at AS "completedAt",
              ca.completion_meaning AS "completionMeaning", ca.verified_by_name AS "verifiedBy", ca.verified_at AS "verifiedAt",
              ca.verification_meaning AS "verificationMeaning"
       FROM excursions e JOIN units u ON u.id = e.unit_id JOIN sites si ON si.id = u.site_id JOIN sensors s ON s.id = e.sensor_id
       LEFT JOIN corrective_actions ca ON ca.excursion_id = e.id
       WHERE e.org_id = $1 AND ($2::uuid IS NULL OR e.unit_id = $2)
         AND ($3::timestamptz IS NULL OR e.breach_started_at >= $3) AND ($4::timestamptz IS NULL OR e.breach_started_at < $4)
         AND ($5::timestamptz IS NULL OR (e.breach_started_at, e.id) < ($5, $6::uuid))
       ORDER BY e.breach_started_at DESC, e.id DESC LIMIT $7`,
      [this.orgId, f.unitId ?? null, f.from ?? null, f.to ?? null, c?.key ?? null, c?.id ?? null, f.limit + 1],
    );
    return pageOf(rows, f.limit, (r) => iso(r, 'breachStartedAt'), (r) => String(r.id));
  }

  async backups(f: RangeFilter & { kind?: string }): Promise<Page<Row>> {
    const c = cursorOf(f.cursor);
    const rows = await query<Row>(
      this.db,
      `SELECT id, kind, database_name AS "database", started_at AS "startedAt", finished_at AS "finishedAt", result, triggered_by AS "triggeredBy",
              backup_file AS "backupFile", size_bytes::text AS "sizeBytes", sha256, server_version AS "serverVersion", error,
              EXTRACT(EPOCH FROM finished_at - started_at)::float8 AS "durationSeconds"
       FROM backup_runs WHERE ($1::text IS NULL OR kind = $1)
         AND ($2::timestamptz IS NULL OR started_at >= $2) AND ($3::timestamptz IS NULL OR started_at < $3)
         AND ($4::timestamptz IS NULL OR (started_at, id) < ($4, $5::uuid))
       ORDER BY started_at DESC, id DESC LIMIT $6`,
      [f.kind ?? null, f.from ?? null, f.to ?? null, c?.key ?? null, c?.id ?? null, f.limit + 1],
    );
    return pageOf(rows, f.limit, (r) => iso(r, 'startedAt'), (r) => String(r.id));
  }

  async certificates(f: RangeFilter & { target?: string }): Promise<Page<Row>> {
    const c = cursorOf(f.cursor);
    const rows = await query<Row>(
      this.db,
      `SELECT id::text AS id, target, observed_at AS "observedAt", subject, issuer, serial_number AS "serialNumber",
              not_before AS "notBefore", not_after AS "notAfter", fingerprint_sha256 AS "fingerprintSha256", dns_names AS "dnsNames",
              floor(EXTRACT(EPOCH FROM not_after - now()) / 86400)::int AS "daysLeft",
              round((EXTRACT(EPOCH FROM now() - not_before) / NULLIF(EXTRACT(EPOCH FROM not_after - not_before), 0) * 100)::numeric, 1)::float8 AS "lifetimeUsedPct",
              lag(fingerprint_sha256) OVER (PARTITION BY target ORDER BY observed_at DESC) IS DISTINCT FROM NULL
                AND lag(fingerprint_sha256) OVER (PARTITION BY target ORDER BY observed_at DESC) <> fingerprint_sha256 AS "renewedAfter"
       FROM certificate_observations WHERE ($1::text IS NULL OR target = $1)
         AND ($2::timestamptz IS NULL OR observed_at >= $2) AND ($3::timestamptz IS NULL OR observed_at < $3)
         AND ($4::timestamptz IS NULL OR (observed_at, id) < ($4, $5::bigint))
       ORDER BY observed_at DESC, certificate_observations.id DESC LIMIT $6`,
      [f.target ?? null, f.from ?? null, f.to ?? null, c?.key ?? null, c?.id ?? null, f.limit + 1],
    );
    return pageOf(rows, f.limit, (r) => iso(r, 'observedAt'), (r) => String(r.id));
  }

  async notifications(f: RangeFilter & { receiver?: string }): Promise<Page<Row>> {
    const c = cursorOf(f.cursor);
    const rows = await query<Row>(
      this.db,
      `SELECT n.id::text AS id, n.sent_at AS "sentAt", n.receiver, n.integration, n.group_key AS "groupKey", n.outcome, n.error, n.attempt,
              cardinality(n.firing_fingerprints) AS "firing", cardinality(n.resolved_fingerprints) AS "resolved",
              (SELECT string_agg(DISTINCT al->'labels'->>'alertname', ' ') FROM jsonb_array_elements(COALESCE(n.payload->'alerts', '[]'::jsonb)) al) AS "alertnames"
       FROM router_notification_log n, organizations o
       WHERE o.id = $1 AND EXISTS (SELECT 1 FROM jsonb_array_elements(COALESCE(n.payload->'alerts', '[]'::jsonb)) al
                                   WHERE al->'labels'->>'org' IN (o.id::text, o.slug))
         AND ($2::text IS NULL OR n.receiver = $2)
         AND ($3::timestamptz IS NULL OR n.sent_at >= $3) AND ($4::timestamptz IS NULL OR n.sent_at < $4)
         AND ($5::timestamptz IS NULL OR (n.sent_at, n.id) < ($5, $6::bigint))
       ORDER BY n.sent_at DESC, n.id DESC LIMIT $7`,
      [this.orgId, f.receiver ?? null, f.from ?? null, f.to ?? null, c?.key ?? null, c?.id ?? null, f.limit + 1],
    );
    return pageOf(rows, f.limit, (r) => iso(r, 'sentAt'), (r) => String(r.id));
  }

  /** Webhook payloads the control plane received whose alerts carry this organization's `org` label. */
  async receivedNotifications(f: RangeFilter): Promise<Page<Row>> {
    const c = cursorOf(f.cursor);
    const rows = await query<Row>(
      this.db,
      `SELECT n.id::text AS id, n.received_at AS "receivedAt", n.receiver, n.status, n.group_key AS "groupKey", n.alert_count AS "alertCount",
              n.payload->'commonLabels' AS "commonLabels", n.payload->'commonAnnotations' AS "commonAnnotations"
       FROM received_alert_notifications n, organizations o
       WHERE o.id = $1 AND EXISTS (SELECT 1 FROM jsonb_array_elements(COALESCE(n.payload->'alerts', '[]'::jsonb)) al
                                   WHERE al->'labels'->>'org' IN (o.id::text, o.slug))
         AND ($2::timestamptz IS NULL OR n.received_at >= $2) AND ($3::timestamptz IS NULL OR n.received_at < $3)
         AND ($4::timestamptz IS NULL OR (n.received_at, n.id) < ($4, $5::bigint))
       ORDER BY n.received_at DESC, n.id DESC LIMIT $6`,
      [this.orgId, f.from ?? null, f.to ?? null, c?.key ?? null, c?.id ?? null, f.limit + 1],
    );
    return pageOf(rows, f.limit, (r) => iso(r, 'receivedAt'), (r) => String(r.id));
  }
}
