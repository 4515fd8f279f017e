import type { StoredAlert } from '../provider/alert-store';
import type { Queryable } from './queryable';

/**
 * PgAlertStore persists the router's active alerts (Alertmanager keeps them in memory only and
 * forgets them on restart: #2370, no resolve is ever sent). The dispatcher writes the merged
 * alert after each receipt; a starting router loads everything not yet past its retention,
 * including recently resolved alerts, so their resolution is still notified.
 */
export class PgAlertStore {
  constructor(private readonly db: Queryable) {}

  /** upsert stores merged alerts (one statement for the whole batch). */
  async upsert(alerts: StoredAlert[]): Promise<void> {
    if (alerts.length === 0) return;
    await this.db.query(
      `INSERT INTO router_alerts (fingerprint, labels, annotations, starts_at, ends_at, generator_url, updated_at, timeout)
       SELECT * FROM jsonb_to_recordset($1::jsonb)
         AS x(fingerprint text, labels jsonb, annotations jsonb, starts_at timestamptz, ends_at timestamptz, generator_url text, updated_at timestamptz, timeout boolean)
       ON CONFLICT (fingerprint) DO UPDATE
         SET labels = EXCLUDED.labels, annotations = EXCLUDED.annotations, starts_at = EXCLUDED.starts_at,
             ends_at = EXCLUDED.ends_at, generator_url = EXCLUDED.generator_url, updated_at = EXCLUDED.updated_at,
             timeout = EXCLUDED.timeout
       WHERE router_alerts.updated_at <= EXCLUDED.updated_at`,
      [
        JSON.stringify(
          alerts.map((a) => ({
            fingerprint: a.fingerprint,
            labels: a.labels,
            annotations: a.annotations,
            starts_at: a.startsAt.toISOString(),
            ends_at: a.endsAt.toISOString(),
            generator_url: a.generatorURL,
            updated_at: a.updatedAt.toISOString(),
            timeout: a.timeout,
          })),
        ),
      ],
    );
  }

  /** load returns the alerts whose endsAt is after `since` (pass now minus the retention). */
  async load(since: Date): Promise<StoredAlert[]> {
    const r = await this.db.query<StoredAlert>(
      `SELECT fingerprint, labels, annotations, starts_at AS "startsAt", ends_at AS "endsAt",
              generator_url AS "generatorURL", updated_at AS "updatedAt", timeout
         FROM router_alerts WHERE ends_at > $1 ORDER BY fingerprint`,
      [since],
    );
    return r.rows;
  }

  /** gc deletes alerts resolved before `before` (Alertmanager's alerts.gc-interval sweep). */
  async gc(before: Date): Promise<number> {
    const r = await this.db.query('DELETE FROM router_alerts WHERE ends_at < $1', [before]);
    return r.rowCount ?? 0;
  }
}
