import { Counter, type Registry } from 'prom-client';
import type { Logger } from 'pino';
import type { Pool } from '../../../platform/db/pool';
import type { RouterClient } from './router-client';

/** The label marking outbox rows the control plane wrote (deploy alerts); ingest relays its own. */
export const OUTBOX_SOURCE = 'control-plane';

/**
 * startOutboxRelay delivers the control plane's alert_outbox rows (deploy alerts) to the
 * router, for deployments where no ingest relay runs. Where one runs, ingest may take a row
 * first and queue a copy per router it posts to (ADR 0068); copies have a router and are
 * ingest's to deliver. Rows are leased with FOR UPDATE SKIP LOCKED, so replicas never send one
 * at the same time; a failure backs off exponentially and the row stays until sent (at least
 * once; the router de-duplicates identical alerts).
 */
export function startOutboxRelay(pool: Pool, router: RouterClient, logger: Logger, registry: Registry, everyMs = 2000): () => Promise<void> {
  const deliveries = new Counter({
    name: 'control_plane_outbox_deliveries_total',
    help: 'Deploy alerts relayed from the outbox to the router, by result',
    labelNames: ['result'],
    registers: [registry],
  });
  let running: Promise<void> | undefined;
  let stopped = false;
  const tick = async () => {
    // Lease the rows (next_attempt_at moves forward) and commit at once: no transaction stays
    // open while the router is called (on the embedded single-backend database the router,
    // in the same process, would wait for it), and a crashed relay's rows come back.
    const { rows } = await pool.query<{ id: string; payload: unknown }>(
      `UPDATE alert_outbox SET attempts = attempts + 1, next_attempt_at = now() + interval '60 seconds'
       WHERE id IN (SELECT id FROM alert_outbox
                    WHERE delivered_at IS NULL AND router IS NULL AND next_attempt_at <= now() AND payload->'labels'->>'source' = $1
                    ORDER BY id LIMIT 20 FOR UPDATE SKIP LOCKED)
       RETURNING id::text AS id, payload`,
      [OUTBOX_SOURCE],
    );
    if (!rows.length) return;
    const ids = rows.map((r) => r.id);
    const result = await router.postAlerts(rows.map((r) => r.payload));
    deliveries.inc({ result: result.forwarded ? 'success' : 'failure' }, rows.length);
    if (result.forwarded) {
      await pool.query('UPDATE alert_outbox SET delivered_at = now(), last_error = NULL WHERE id = ANY($1::bigint[])', [ids]);
    } else {
      logger.warn({ error: result.error, rows: rows.length }, 'outbox delivery failed; will retry');
      await pool.query(
        `UPDATE alert_outbox SET last_error = $2, next_attempt_at = now() + make_interval(secs => least(300, 2 ^ least(attempts, 8)))
         WHERE id = ANY($1::bigint[])`,
        [ids, result.error ?? 'unknown'],
      );
    }
  };
  const timer = setInterval(() => {
    if (running || stopped) return;
    running = tick()
      .catch((err) => logger.warn({ err: { message: (err as Error).message } }, 'outbox relay tick failed'))
      .finally(() => (running = undefined));
  }, everyMs);
  timer.unref();
  return async () => {
    stopped = true;
    clearInterval(timer);
    await running;
  };
}
