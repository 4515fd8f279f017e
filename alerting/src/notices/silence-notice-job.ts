import type { Logger } from 'pino';
import type { StoredAlert } from '../provider/alert-store';
import type { Silence } from '../silence/silence';
import type { Queryable } from '../store/queryable';
import type { Clock } from '../types/clock';
import { silenceNotice } from './domain/notice-alerts';

const RETURNING = `RETURNING id::text AS id, matchers, starts_at AS "startsAt", ends_at AS "endsAt", created_by AS "createdBy", comment, updated_at AS "updatedAt"`;

/** claimCreated marks unannounced, unexpired silences as announced and returns them (one replica gets each). */
async function claimCreated(q: Queryable, now: Date): Promise<Silence[]> {
  const r = await q.query<Silence>(
    `UPDATE router_silences SET created_notified_at = $1
      WHERE id IN (SELECT id FROM router_silences WHERE created_notified_at IS NULL AND ends_at > $1 FOR UPDATE SKIP LOCKED)
      ${RETURNING}`,
    [now],
  );
  return r.rows;
}

/** claimExpiring does the same for active silences ending within `warnMs`. */
async function claimExpiring(q: Queryable, now: Date, warnMs: number): Promise<Silence[]> {
  const r = await q.query<Silence>(
    `UPDATE router_silences SET expiry_notified_at = $1
      WHERE id IN (SELECT id FROM router_silences
                    WHERE expiry_notified_at IS NULL AND starts_at <= $1 AND ends_at > $1
                      AND ends_at <= $1::timestamptz + $2::bigint * interval '1 millisecond'
                    FOR UPDATE SKIP LOCKED)
      ${RETURNING}`,
    [now, warnMs],
  );
  return r.rows;
}

export interface SilenceNoticeOptions {
  db: Queryable;
  clock: Clock;
  logger: Logger;
  /** Puts notice alerts into this replica's router (AlertRouter.put). */
  put: (alerts: StoredAlert[]) => void;
  /** Announce expiry this long before a silence ends (ROUTER_SILENCE_EXPIRY_NOTICE, default 15m). */
  warnMs: number;
}

/**
 * SilenceNoticeJob announces every new silence and every silence about to expire, exactly
 * once across replicas (the UPDATE … SKIP LOCKED marks it before it is announced), as alerts
 * through the routing tree. Route them with `alertname=~"Silence.*"`.
 */
export class SilenceNoticeJob {
  constructor(private readonly o: SilenceNoticeOptions) {}

  async tick(): Promise<StoredAlert[]> {
    const now = this.o.clock.now();
    const created = await claimCreated(this.o.db, now);
    const expiring = await claimExpiring(this.o.db, now, this.o.warnMs);
    const alerts = [...created.map((s) => silenceNotice('created', s, now)), ...expiring.map((s) => silenceNotice('expiring', s, now))];
    if (alerts.length) {
      this.o.put(alerts);
      this.o.logger.info({ created: created.length, expiring: expiring.length }, 'announced silences');
    }
    return alerts;
  }
}
