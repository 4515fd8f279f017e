import type { StoredAlert } from '../provider/alert-store';
import { queryLogWriter, type AlertLogWriter } from './alert-log-writer';
import type { Queryable } from './queryable';

/**
 * The alerts of router_alert_log as router_alerts' columns plus `seq`, the log row's id. In the
 * log, keys are one letter and times are Unix milliseconds: serialising is a third of the
 * request path's cost of a write, and this halves it.
 */
const LOGGED = `SELECT l.id AS seq, x.f AS fingerprint, x.l AS labels, x.a AS annotations,
                       to_timestamp(x.s / 1000.0) AS starts_at, to_timestamp(x.e / 1000.0) AS ends_at,
                       x.g AS generator_url, to_timestamp(x.u / 1000.0) AS updated_at, x.t AS timeout
                  FROM router_alert_log l, json_to_recordset(l.alerts) AS x(f text, l jsonb, a jsonb, s bigint, e bigint, g text, u bigint, t boolean)`;

/**
 * PgAlertStore persists the router's active alerts (Alertmanager keeps them in memory only and
 * forgets them on restart: #2370, no resolve is ever sent). Accepted alerts are appended to
 * router_alert_log, one row per write, which costs PostgreSQL a few µs per alert on the
 * request path; `fold()` later moves the log into router_alerts, one row per alert. Whatever
 * is in either is what a starting router loads: for each alert, the update with the newest
 * updatedAt (on a tie, the later write).
 */
export class PgAlertStore {
  /** @param writer appends log rows: through `db` unless given (the router's is a worker thread). */
  constructor(
    private readonly db: Queryable,
    private readonly writer: AlertLogWriter = queryLogWriter(db),
  ) {}

  /** append stores merged alerts as one log row; committed when it resolves. */
  async append(alerts: StoredAlert[]): Promise<void> {
    if (alerts.length === 0) return;
    await this.writer.append(
      alerts.map((a) => ({
        f: a.fingerprint,
        l: a.labels,
        a: a.annotations,
        s: a.startsAt.getTime(),
        e: a.endsAt.getTime(),
        g: a.generatorURL,
        u: a.updatedAt.getTime(),
        t: a.timeout,
      })),
    );
  }

  /**
   * fold moves every committed log row into router_alerts in one statement (so a crash
   * leaves either the log rows or their upserts) and returns how many alerts it upserted.
   * Rows are locked in fingerprint order, so concurrent folds and writers cannot deadlock.
   */
  async fold(): Promise<number> {
    const r = await this.db.query(
      `WITH folded AS (DELETE FROM router_alert_log RETURNING id),
       latest AS (
         SELECT DISTINCT ON (fingerprint) fingerprint, labels, annotations, starts_at, ends_at, generator_url, updated_at, timeout
           FROM (${LOGGED}) AS logged JOIN folded ON folded.id = logged.seq
          ORDER BY fingerprint, updated_at DESC, seq DESC)
       INSERT INTO router_alerts (fingerprint, labels, annotations, starts_at, ends_at, generator_url, updated_at, timeout)
       SELECT * FROM latest ORDER BY fingerprint
       ON CONFLICT (fingerprint) DO UPDATE
         SET labels = EXCLUDED.labels, annotations = EXCLUDED.annotations, starts_at = EXCLUDED.starts_at,
             ends_at = EXCLUDED.ends_at, generator_url = EXCLUDED.generator_url, updated_at = EXCLUDED.updated_at,
             timeout = EXCLUDED.timeout
       WHERE router_alerts.updated_at <= EXCLUDED.updated_at`,
    );
    return r.rowCount ?? 0;
  }

  /** load returns the alerts whose endsAt is after `since` (pass now minus the retention), log included. */
  async load(since: Date): Promise<StoredAlert[]> {
    const r = await this.db.query<StoredAlert>(
      `SELECT fingerprint, labels, annotations, starts_at AS "startsAt", ends_at AS "endsAt",
              generator_url AS "generatorURL", updated_at AS "updatedAt", timeout
         FROM (SELECT DISTINCT ON (fingerprint) *
                 FROM (SELECT 0::bigint AS seq, fingerprint, labels, annotations, starts_at, ends_at, generator_url, updated_at, timeout
                         FROM router_alerts
                       UNION ALL
                       ${LOGGED}) AS updates
                ORDER BY fingerprint, updated_at DESC, seq DESC) AS latest
        WHERE ends_at > $1 ORDER BY fingerprint`,
      [since],
    );
    return r.rows;
  }

  /** gc folds the log, then deletes alerts resolved before `before` (Alertmanager's alerts.gc-interval sweep). */
  async gc(before: Date): Promise<number> {
    await this.fold();
    const r = await this.db.query('DELETE FROM router_alerts WHERE ends_at < $1', [before]);
    return r.rowCount ?? 0;
  }
}
