import axios from 'axios';
import type { Logger } from 'pino';
import { withTransaction, type Pool } from '../../../platform/db/pool';
import { redactUrl } from '../config/ingest-config';
import type { AlertLinks } from '../domain/build-alert';
import type { IngestMetrics } from '../metrics/ingest-metrics';
import { openExcursionsDueForResend } from '../stores/excursion-store';
import {
  adoptUnroutedAlerts,
  alertEntry,
  claimAlerts,
  dropAbandonedAlerts,
  enqueueAlerts,
  markDelivered,
  markFailed,
  type ClaimedAlert,
  type OutboxEntry,
} from '../stores/outbox-store';
import { findSensorsById } from '../stores/sensor-store';

export interface OutboxWorkerSettings {
  routerUrls: string[];
  pollMs: number;
  resendIntervalSeconds: number;
  maxBackoffSeconds: number;
  links: AlertLinks;
}

const BATCH = 100;
const LEASE_SECONDS = 30;
const RESEND_LOCK = 'ftk-job:alert-resend';
/** Rows for a router no longer configured are dropped after this long (a rolling change has reached every replica). */
const ABANDON_AFTER_SECONDS = 3600;

/**
 * AlertOutboxWorker delivers the alert outbox to every configured router over the
 * Alertmanager API v2, the way Prometheus does: each router gets every alert from a queue of
 * its own (its rows in the outbox, ADR 0068), so one that is down holds back only itself;
 * firing alerts carry an endsAt of 4 × the resend interval from the moment they are sent (a
 * router that stops hearing about an alert resolves it), and open excursions are re-queued
 * every resend interval so a restarted router relearns them. It runs beside the reading path
 * and never holds a transaction while calling a router: rows are leased, posted, then marked.
 */
export class AlertOutboxWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  /** Router name (its URL without credentials) → URL to post to. */
  private readonly urls: Map<string, string>;
  private readonly routers: string[];

  constructor(
    private readonly pool: Pool,
    private readonly settings: OutboxWorkerSettings,
    private readonly metrics: IngestMetrics,
    private readonly logger: Logger,
  ) {
    this.urls = new Map(settings.routerUrls.map((url) => [redactUrl(url), url]));
    this.routers = [...this.urls.keys()];
  }

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

  /** tick gives unrouted rows to the routers, queues due re-sends, then delivers until nothing is due. */
  async tick(): Promise<void> {
    await adoptUnroutedAlerts(this.pool, this.routers);
    const abandoned = await dropAbandonedAlerts(this.pool, this.routers, ABANDON_AFTER_SECONDS);
    if (abandoned) this.logger.warn({ alerts: abandoned }, 'dropped undelivered alerts for routers no longer configured');
    await this.queueResends();
    for (;;) {
      const claimed = await claimAlerts(this.pool, this.routers, BATCH, LEASE_SECONDS);
      if (claimed.length === 0 || this.stopped) return;
      const byRouter = new Map<string, ClaimedAlert[]>();
      for (const c of claimed) {
        const rows = byRouter.get(c.router);
        if (rows) rows.push(c);
        else byRouter.set(c.router, [c]);
      }
      await Promise.all([...byRouter].map(([router, rows]) => this.deliver(router, rows)));
      if (claimed.length < BATCH) return;
    }
  }

  private async deliver(router: string, claimed: ClaimedAlert[]): Promise<void> {
    const endsAt = new Date(Date.now() + 4 * this.settings.resendIntervalSeconds * 1000).toISOString();
    const body = claimed.map((c) => (c.payload.endsAt ? c.payload : { ...c.payload, endsAt }));
    const ids = claimed.map((c) => c.id);
    try {
      await axios.post(`${this.urls.get(router)}/api/v2/alerts`, body, { timeout: 10_000, headers: { 'Content-Type': 'application/json' } });
    } catch (err) {
      const e = err as { message: string; response?: { status: number } };
      const error = `${router}: ${e.response ? `HTTP ${e.response.status}` : e.message}`;
      this.metrics.deliveries.inc({ router, result: 'failure' });
      const attempts = Math.max(...claimed.map((c) => c.attempts));
      const backoff = Math.min(this.settings.maxBackoffSeconds, 2 ** Math.min(attempts - 1, 20));
      await markFailed(this.pool, ids, error, backoff);
      this.logger.warn({ router, alerts: ids.length, attempts, retryInSeconds: backoff, error }, 'alert delivery failed; will retry');
      return;
    }
    this.metrics.deliveries.inc({ router, result: 'success' });
    await markDelivered(this.pool, ids);
  }

  /** queueResends re-queues open excursions; one replica at a time (transaction lock). */
  private async queueResends(): Promise<void> {
    await withTransaction(this.pool, async (client) => {
      const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0)) AS ok', [RESEND_LOCK]);
      if (!rows[0].ok) return;
      const due = await openExcursionsDueForResend(client, this.routers, this.settings.resendIntervalSeconds, BATCH);
      if (due.length === 0) return;
      const sensors = await findSensorsById(client, [...new Set(due.map((d) => d.sensorId))]);
      // Grouped by the set of routers due, so each set gets its re-sends in one insert.
      const groups = new Map<string, { routers: string[]; entries: OutboxEntry[] }>();
      for (const d of due) {
        const sensor = sensors.get(d.sensorId);
        if (!sensor) continue;
        const key = d.routers.join('\n');
        const group = groups.get(key) ?? { routers: d.routers, entries: [] };
        group.entries.push(alertEntry({ status: 'firing', excursion: d.excursion, severity: d.excursion.severity }, sensor, this.settings.links));
        groups.set(key, group);
      }
      for (const { routers, entries } of groups.values()) await enqueueAlerts(client, entries, routers);
    });
  }
}
