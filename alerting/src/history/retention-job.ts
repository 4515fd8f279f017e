import type { Logger } from 'pino';
import type { Pool } from '../../../platform/db/pool';
import { deleteStaleState } from '../ha/send-claim-sql';
import { PgAlertStore } from '../store/pg-alert-store';
import { NotificationHistoryStore } from '../store/notification-history-store';
import type { Clock } from '../types/clock';
import type { RetentionConfig } from './retention-config';

export interface PruneResult {
  attempts: number;
  dedupEntries: number;
  alerts: number;
  escalations: number;
}

/**
 * RetentionJob prunes the router's tables. Each step is one idempotent DELETE, so every
 * replica may run it without coordination; silences are pruned by the Silences service.
 */
export class RetentionJob {
  private timer: unknown;

  constructor(
    private readonly pool: Pool,
    private readonly cfg: RetentionConfig,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  async prune(): Promise<PruneResult> {
    const now = this.clock.now();
    const stateBefore = new Date(now.getTime() - this.cfg.stateMs);
    const esc = await this.pool.query('DELETE FROM router_escalations WHERE closed_at < $1', [stateBefore]);
    const result = {
      attempts: await new NotificationHistoryStore(this.pool).prune(new Date(now.getTime() - this.cfg.historyMs)),
      dedupEntries: await deleteStaleState(this.pool, stateBefore, now),
      alerts: await new PgAlertStore(this.pool).gc(stateBefore),
      escalations: esc.rowCount ?? 0,
    };
    this.logger.info(result, 'pruned router history and state');
    return result;
  }

  start(): void {
    this.timer = this.clock.setTimeout(() => {
      this.prune()
        .catch((err: Error) => this.logger.warn({ err: err.message }, 'pruning router history failed'))
        .finally(() => this.start());
    }, this.cfg.intervalMs);
  }

  stop(): void {
    this.clock.clearTimeout(this.timer);
  }
}
