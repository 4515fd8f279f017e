import axios from 'axios';
import type { Logger } from 'pino';
import { withTransaction, type Pool } from '../../../platform/db/pool';
import { buildAlert, type AlertLinks, type PostableAlert } from '../domain/build-alert';
import type { IngestMetrics } from '../metrics/ingest-metrics';
import { openExcursionsDueForResend } from '../stores/excursion-store';
import { claimAlerts, enqueueAlerts, markDelivered, markFailed, type OutboxEntry } from '../stores/outbox-store';
import { findSensorsById } from '../stores/sensor-store';

export interface OutboxWorkerSettings {
  routerUrls: string[];
  pollMs: number;
  resendIntervalSeconds: number;
  maxBackoffSeconds: number;
  links: AlertLinks;
}

/** redactUrl drops credentials from a router URL before it reaches a metric label or a log. */
export function redactUrl(url: string): string {
  const u = new URL(url);
  u.username = '';
  u.password = '';
  return u.toString().replace(/\/$/, '');
}

const BATCH = 100;
const LEASE_SECONDS = 30;
const RESEND_LOCK = 'ftk-job:alert-resend';

/**
 * AlertOutboxWorker delivers the alert outbox to every configured router over the
 * Alertmanager API v2, the way Prometheus does: each router gets every alert, firing alerts
 * carry an endsAt of 4 × the resend interval from the moment they are sent (a router that
 * stops hearing about an alert resolves it), and open excursions are re-queued every resend
 * interval so a restarted router relearns them. It runs beside the reading path and never
 * holds a transaction while calling a router: rows are leased, posted, then marked.
 */
export class AlertOutboxWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly pool: Pool,
    private readonly settings: OutboxWorkerSettings,
    private readonly metrics: IngestMetrics,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick()
        .catch((err) => this.logger.warn({ err: { message: (err as Error).message } }, 'alert outbox tick failed'))
        .finally(() => this.schedule(this.settings.pollMs));
    }, delayMs);
  }

  /** tick queues due re-sends, then delivers until nothing is due. */
  async tick(): Promise<void> {
    await this.queueResends();
    for (;;) {
      const claimed = await claimAlerts(this.pool, BATCH, LEASE_SECONDS);
      if (claimed.length === 0 || this.stopped) return;
      await this.deliver(claimed);
      if (claimed.length < BATCH) return;
    }
  }

  private async deliver(claimed: { id: string; attempts: number; payload: PostableAlert }[]): Promise<void> {
    const endsAt = new Date(Date.now() + 4 * this.settings.resendIntervalSeconds * 1000).toISOString();
    const body = claimed.map((c) => (c.payload.endsAt ? c.payload : { ...c.payload, endsAt }));
    const errors: string[] = [];
    await Promise.all(
      this.settings.routerUrls.map(async (url) => {
        const router = redactUrl(url);
        try {
          await axios.post(`${url}/api/v2/alerts`, body, { timeout: 10_000, headers: { 'Content-Type': 'application/json' } });
          this.metrics.deliveries.inc({ router, result: 'success' });
        } catch (err) {
          const e = err as { message: string; response?: { status: number } };
          errors.push(`${router}: ${e.response ? `HTTP ${e.response.status}` : e.message}`);
          this.metrics.deliveries.inc({ router, result: 'failure' });
        }
      }),
    );
    const ids = claimed.map((c) => c.id);
    if (errors.length === 0) {
      await markDelivered(this.pool, ids);
      return;
    }
    // Re-sending to the routers that did accept is harmless: they deduplicate by labels.
    const attempts = Math.max(...claimed.map((c) => c.attempts));
    const backoff = Math.min(this.settings.maxBackoffSeconds, 2 ** Math.min(attempts - 1, 20));
    await markFailed(this.pool, ids, errors.join('; '), backoff);
    this.logger.warn({ alerts: ids.length, attempts, retryInSeconds: backoff, errors }, 'alert delivery failed; will retry');
  }

  /** queueResends re-queues open excursions; one replica at a time (transaction lock). */
  private async queueResends(): Promise<void> {
    await withTransaction(this.pool, async (client) => {
      const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0)) AS ok', [RESEND_LOCK]);
      if (!rows[0].ok) return;
      const due = await openExcursionsDueForResend(client, this.settings.resendIntervalSeconds, BATCH);
      if (due.length === 0) return;
      const sensors = await findSensorsById(client, [...new Set(due.map((d) => d.sensorId))]);
      const entries: OutboxEntry[] = [];
      for (const d of due) {
        const sensor = sensors.get(d.sensorId);
        if (!sensor) continue;
        const payload = buildAlert({ status: 'firing', excursion: d.excursion, severity: d.excursion.severity }, sensor.alertContext, this.settings.links);
        entries.push({ orgId: sensor.orgId, excursionId: d.id, payload });
      }
      await enqueueAlerts(client, entries);
    });
  }
}
