import type { Express } from 'express';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Pool } from '../../../platform/db/pool';
import { ackRouter } from '../ack/ack-router';
import type { EscalationPolicy } from '../ack/domain/escalation-policy';
import { Escalator } from '../ack/escalator';
import { historyRouter } from '../history/history-router';
import { RetentionJob } from '../history/retention-job';
import type { AlertStore, StoredAlert } from '../provider/alert-store';
import { SilenceNoticeJob } from '../notices/silence-notice-job';
import { WatchdogMonitor } from '../notices/watchdog-monitor';
import { AlertPersistence, LOG_WRITES_IN_FLIGHT } from '../store/alert-persistence';
import { queryLogWriter, WorkerLogWriter, type AlertLogWriter } from '../store/alert-log-writer';
import { SilenceCache } from '../store/silence-cache';
import type { Alert } from '../types/alert';
import type { Clock } from '../types/clock';
import type { DurabilityConfig } from './durability-config';
import { replicaId } from './replica-id';
import { SendClaims } from './send-claims';

/** RouterAccess is what the background jobs need from this replica's router. */
export interface RouterAccess {
  /** Runs one receiver's integrations on a group's current alerts (escalation); false = group gone. */
  notifyReceiver(receiver: string, groupKey: string): Promise<boolean>;
  /** Puts alerts into the router (silence notices, WatchdogMissing). */
  put(alerts: StoredAlert[]): void;
  /** The router's current alerts. */
  alerts(): StoredAlert[];
}

export interface RouterDurabilityOptions {
  pool: Pool;
  clock: Clock;
  logger: Logger;
  registry: Registry;
  config: DurabilityConfig;
  /**
   * Append the alert log from a worker thread with a connection of its own (the role does,
   * except on the embedded database, a single backend shared by the process).
   */
  alertLogInWorker?: boolean;
}

async function openAlertLog(o: RouterDurabilityOptions): Promise<AlertLogWriter> {
  if (!o.alertLogInWorker) return queryLogWriter(o.pool);
  const { writer, connectError } = await WorkerLogWriter.open(o.pool, LOG_WRITES_IN_FLIGHT);
  if (connectError) o.logger.warn({ err: connectError.message }, 'the alert log writer could not connect yet; it retries with the first write');
  return writer;
}

/**
 * RouterDurability is everything that makes the router's state live in PostgreSQL (ADR 0035),
 * gathered so the role wires it with a few calls: the silence store, the send claims, alert
 * persistence, escalation, retention, and the ack/history API routes.
 */
export class RouterDurability {
  readonly replica: string;
  readonly claims: SendClaims;
  readonly persistence: AlertPersistence;
  private escalator?: Escalator;
  private readonly retention: RetentionJob;
  private readonly timers = new Set<unknown>();
  private stopped = false;

  private constructor(
    private readonly o: RouterDurabilityOptions,
    readonly silenceStore: SilenceCache,
    private readonly alertLog: AlertLogWriter,
  ) {
    this.replica = o.config.replicaName ?? replicaId();
    this.claims = new SendClaims(o.pool, this.replica, o.registry, o.config.claimLeaseMs);
    this.persistence = new AlertPersistence(o.pool, o.logger, alertLog);
    this.retention = new RetentionJob(o.pool, o.config.retention, o.clock, o.logger);
  }

  /** open loads the stored silences and starts the alert log's writer; build the router with `silenceStore` afterwards. */
  static async open(o: RouterDurabilityOptions): Promise<RouterDurability> {
    return new RouterDurability(o, await SilenceCache.load(o.pool, o.logger), await openAlertLog(o));
  }

  /**
   * restoreAlerts reloads alerts that had not resolved before state retention, then mirrors
   * every update. Call before the router's first config is applied, so the dispatcher starts
   * with them (an old startsAt flushes at once; the log stops re-pages).
   */
  async restoreAlerts(store: AlertStore): Promise<number> {
    const since = new Date(this.o.clock.now().getTime() - this.o.config.retention.stateMs);
    const n = await this.persistence.restore(store, since);
    this.persistence.attach(store);
    this.o.logger.info({ alerts: n, replica: this.replica }, 'restored alerts from PostgreSQL');
    return n;
  }

  /** committed resolves once every alert and silence change so far is in PostgreSQL (before a 2xx). */
  async committed(): Promise<void> {
    await Promise.all([this.persistence.flush(), this.silenceStore.flush()]);
  }

  /** delivered tells the escalator a group was notified (opens or closes its escalation). */
  async delivered(groupKey: string, policy: EscalationPolicy | undefined, alerts: Alert[], groupLabels: Record<string, string>, firing: string[]): Promise<void> {
    await this.escalator?.delivered(groupKey, policy, alerts, groupLabels, firing);
  }

  /** mountRoutes serves the ack and history API under the route prefix; mount before the catch-all /api/v2 router. */
  mountRoutes(app: Express, prefix = ''): void {
    for (const r of [historyRouter(this.o.pool, this.o.logger), ackRouter(this.o.pool, this.o.logger)]) {
      if (prefix) app.use(prefix, r);
      else app.use(r);
    }
  }

  /** start runs the background jobs: silence sync, escalation, retention, notices, watchdog. */
  start(router: RouterAccess): void {
    const { config, clock, pool } = this.o;
    const logger = this.o.logger;
    this.escalator = new Escalator({
      db: pool,
      clock,
      logger: logger.child({ component: 'escalator' }),
      registry: this.o.registry,
      tickMs: config.escalationTickMs,
      send: (receiver, groupKey) => router.notifyReceiver(receiver, groupKey),
    });
    this.escalator.start();
    this.retention.start();
    this.every('silence sync', config.silenceSyncMs, () => this.silenceStore.refresh());
    if (config.silenceNotices) {
      const notices = new SilenceNoticeJob({ db: pool, clock, logger, warnMs: config.silenceNotices.warnMs, put: (a) => router.put(a) });
      this.every('silence notices', config.silenceSyncMs, () => notices.tick());
    }
    if (config.watchdog) {
      const { alertname, timeoutMs } = config.watchdog;
      const monitor = new WatchdogMonitor({ alerts: () => router.alerts(), put: (a) => router.put(a), clock, logger, alertname, timeoutMs });
      this.every('watchdog check', Math.max(1000, Math.floor(timeoutMs / 5)), async () => void monitor.check());
    }
  }

  /** every runs `job` periodically (never overlapping itself) until stop. */
  private every(name: string, ms: number, job: () => Promise<unknown>): void {
    const handle = this.o.clock.setTimeout(() => {
      this.timers.delete(handle);
      job()
        .catch((err: Error) => this.o.logger.warn({ err: err.message }, `${name} failed`))
        .finally(() => {
          if (!this.stopped) this.every(name, ms, job);
        });
    }, ms);
    this.timers.add(handle);
  }

  /** stop ends the jobs, writes what is still queued and settles the alert log. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) this.o.clock.clearTimeout(t);
    this.escalator?.stop();
    this.retention.stop();
    await this.committed().catch((err: Error) => this.o.logger.warn({ err: err.message }, 'final write of router state failed'));
    // Settled now, the next router to start need not replay this one's requests.
    await this.persistence.fold();
    await this.alertLog.close();
  }
}
