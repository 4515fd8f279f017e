import type { Logger } from 'pino';
import { withTransaction, type Pool, type PoolClient } from '../../../platform/db/pool';
import type { StoredAlert } from '../provider/alert-store';
import type { LogAlert, LogRow } from './alert-log-protocol';
import { alertsOf, fromLogAlert, replay, requestAlerts, toLogAlert, type LoggedUpdate } from './alert-log-replay';
import { queryLogWriter, type AlertLogWriter } from './alert-log-writer';

/** Folds of the log run one at a time across replicas: each replays rows on what the previous folded. */
const FOLD_LOCK = 0x726f7574; // 'rout'

/** A fold takes at most this many log rows per transaction (a row is a request of up to thousands of alerts). */
const FOLD_ROWS = 200;

interface ReadRow {
  id: string;
  alerts: LogAlert[] | null;
  request: string | null;
  api_version: 'v1' | 'v2' | null;
  received_at: Date | null;
  resolve_timeout_ms: string | null;
}

/**
 * upsert stores alerts in router_alerts, except where a newer version is stored (replicas
 * share the table). In fingerprint order, so concurrent deletes of the retention job cannot
 * deadlock with it.
 */
async function upsert(c: PoolClient, alerts: StoredAlert[]): Promise<void> {
  if (alerts.length === 0) return;
  const rows = alerts.map(toLogAlert).sort((a, b) => (a.f < b.f ? -1 : a.f > b.f ? 1 : 0));
  await c.query(
    `INSERT INTO router_alerts (fingerprint, labels, annotations, starts_at, ends_at, generator_url, updated_at, timeout)
     SELECT x.f, x.l, x.a, to_timestamp(x.s / 1000.0), to_timestamp(x.e / 1000.0), x.g, to_timestamp(x.u / 1000.0), x.t
       FROM json_to_recordset($1::json) AS x(f text, l jsonb, a jsonb, s bigint, e bigint, g text, u bigint, t boolean)
     ON CONFLICT (fingerprint) DO UPDATE
       SET labels = EXCLUDED.labels, annotations = EXCLUDED.annotations, starts_at = EXCLUDED.starts_at,
           ends_at = EXCLUDED.ends_at, generator_url = EXCLUDED.generator_url, updated_at = EXCLUDED.updated_at,
           timeout = EXCLUDED.timeout
     WHERE router_alerts.updated_at <= EXCLUDED.updated_at`,
    [JSON.stringify(rows)],
  );
}

const ALERT_COLUMNS = `fingerprint, labels, annotations, starts_at AS "startsAt", ends_at AS "endsAt",
                       generator_url AS "generatorURL", updated_at AS "updatedAt", timeout`;

/**
 * PgAlertStore persists the router's active alerts (Alertmanager keeps them in memory only and
 * forgets them on restart: #2370, no resolve is ever sent). Accepted requests are appended to
 * router_alert_log as posted, one row per request, which costs the request path a copy of
 * the body. Later the writing router moves its rows into router_alerts, one row per alert,
 * from its memory (`settle`); rows left behind are replayed (`fold`). Reading the state
 * (`load`) folds first, so a starting router sees every committed request.
 */
export class PgAlertStore {
  /** @param writer appends log rows: through `pool` unless given (the router's is a worker thread). */
  constructor(
    private readonly pool: Pool,
    private readonly writer: AlertLogWriter = queryLogWriter(pool),
    private readonly logger?: Logger,
  ) {}

  /** append stores one write's rows; committed when it resolves, to their ids. */
  append(rows: LogRow[]): Promise<string[]> {
    return this.writer.append(rows);
  }

  /**
   * settle is the writing router's fold of its own rows: it stores `alerts`, which its
   * provider held once those rows had committed (so they include every update the rows
   * replay to, and no row left in the log is older than them), and deletes the rows. That
   * costs a serialisation of each alert instead of decoding every request again.
   */
  async settle(alerts: StoredAlert[], rowIds: string[]): Promise<void> {
    await withTransaction(this.pool, async (c) => {
      await c.query('SELECT pg_advisory_xact_lock($1)', [FOLD_LOCK]);
      await upsert(c, alerts);
      await c.query('DELETE FROM router_alert_log WHERE id = ANY($1::bigint[])', [rowIds]);
    });
  }

  /**
   * fold replays every committed log row into router_alerts and deletes it, a batch of rows per
   * transaction (so a crash leaves either the rows or their result). Folds take a
   * transaction-scoped advisory lock: replicas share the log.
   */
  private async fold(): Promise<void> {
    for (;;) {
      const folded = await withTransaction(this.pool, async (c) => {
        await c.query('SELECT pg_advisory_xact_lock($1)', [FOLD_LOCK]);
        const rows = (
          await c.query<ReadRow>(
            `SELECT id, alerts, request, api_version, received_at, resolve_timeout_ms
               FROM router_alert_log ORDER BY id LIMIT ${FOLD_ROWS}`,
          )
        ).rows;
        if (rows.length === 0) return 0;
        const updates = rows.flatMap((r) => this.decode(r));
        const fingerprints = [...new Set(updates.flatMap((u) => alertsOf(u).map((a) => a.fingerprint)))];
        const state = new Map<string, StoredAlert>();
        for (const a of (await c.query<StoredAlert>(`SELECT ${ALERT_COLUMNS} FROM router_alerts WHERE fingerprint = ANY($1::text[])`, [fingerprints])).rows) {
          state.set(a.fingerprint, a);
        }
        replay(state, updates);
        const changed = fingerprints.flatMap((fp) => (state.has(fp) ? [state.get(fp)!] : []));
        await upsert(c, changed);
        await c.query('DELETE FROM router_alert_log WHERE id = ANY($1::bigint[])', [rows.map((r) => r.id)]);
        return rows.length;
      });
      if (folded < FOLD_ROWS) return;
    }
  }

  /**
   * decode turns a log row into the update it records. A request that no longer decodes (it
   * did when it was accepted, so only a change of the decoder could cause it) is skipped with a
   * warning rather than blocking every later row.
   */
  private decode(r: ReadRow): LoggedUpdate[] {
    if (r.alerts) return [{ stored: r.alerts.map(fromLogAlert) }];
    const request = { body: r.request!, version: r.api_version!, receivedAt: r.received_at!.getTime(), resolveTimeoutMs: Number(r.resolve_timeout_ms) };
    try {
      return [{ put: requestAlerts(request), at: r.received_at! }];
    } catch (err) {
      this.logger?.warn({ err, logRow: r.id }, 'a logged alert request no longer decodes; skipped');
      return [];
    }
  }

  /** load folds the log, then returns the alerts whose endsAt is after `since` (pass now minus the retention). */
  async load(since: Date): Promise<StoredAlert[]> {
    await this.fold();
    const r = await this.pool.query<StoredAlert>(`SELECT ${ALERT_COLUMNS} FROM router_alerts WHERE ends_at > $1 ORDER BY fingerprint`, [since]);
    return r.rows;
  }

  /** gc folds the log, then deletes alerts resolved before `before` (Alertmanager's alerts.gc-interval sweep). */
  async gc(before: Date): Promise<number> {
    await this.fold();
    const r = await this.pool.query('DELETE FROM router_alerts WHERE ends_at < $1', [before]);
    return r.rowCount ?? 0;
  }
}
