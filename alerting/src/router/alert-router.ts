import { SpanStatusCode, trace } from '@opentelemetry/api';
import type { Logger } from 'pino';
import type { AlertmanagerConfig } from '../config/config';
import { AggregationGroup } from '../dispatch/aggregation-group';
import { Dispatcher } from '../dispatch/dispatcher';
import { Route } from '../dispatch/route';
import { Inhibitor } from '../inhibit/inhibitor';
import type { NotificationLog } from '../nflog/notification-log';
import { buildPipeline, type ReceiverIntegration } from '../notify/pipeline';
import { INTEGRATIONS } from '../notify/registry';
import type { NotifyMetrics } from '../notify/retry-stage';
import type { Stage } from '../notify/stage';
import { AlertStore, type StoredAlert } from '../provider/alert-store';
import { Silences } from '../silence/silences';
import type { SilenceStore } from '../silence/silence-store';
import type { Clock } from '../types/clock';
import type { DeliveredHook } from '../ha/claimed-integration-stage';
import type { RouterDurability } from '../ha/router-durability';
import type { LoggedRequest } from '../store/alert-log-protocol';

export interface AlertStatus {
  state: 'active' | 'suppressed' | 'unprocessed';
  silencedBy: string[];
  inhibitedBy: string[];
}

export interface AlertRouterOptions {
  clock: Clock;
  logger: Logger;
  externalURL: string;
  silenceStore: SilenceStore;
  /** The in-process notification log; only without `durability`, whose send claims replace it. */
  nflog?: NotificationLog;
  /** --data.retention: how long expired silences and log entries are kept (default 120h). */
  retentionMs: number;
  metrics?: NotifyMetrics;
  /** State in PostgreSQL (ADR 0035): send claims replace the nflog, deliveries drive escalation. */
  durability?: RouterDurability;
}

interface Running {
  config: AlertmanagerConfig;
  route: Route;
  inhibitor: Inhibitor;
  dispatcher: Dispatcher;
  pipelines: Map<string, Stage>;
}

/**
 * AlertRouter wires the routing core: the alert store feeds the dispatcher and the
 * inhibitor; flushes go through each receiver's pipeline. applyConfig swaps all of it
 * atomically (alerts, silences and the notification log survive a reload).
 */
export class AlertRouter {
  readonly store: AlertStore;
  readonly silences: Silences;
  private running?: Running;

  constructor(private readonly opts: AlertRouterOptions) {
    this.store = new AlertStore(opts.clock);
    this.silences = new Silences(opts.silenceStore, opts.clock, opts.retentionMs);
    this.store.subscribe((a) => this.running?.inhibitor.observe(a));
  }

  get config(): AlertmanagerConfig {
    return this.current.config;
  }

  get route(): Route {
    return this.current.route;
  }

  private get current(): Running {
    if (!this.running) throw new Error('alert router has no configuration');
    return this.running;
  }

  /** applyConfig builds notifiers, pipelines and a fresh dispatcher for `config`. */
  applyConfig(config: AlertmanagerConfig): void {
    const route = new Route(config.route);
    const used = new Set<string>();
    route.walk((r) => {
      used.add(r.opts.receiver);
      for (const e of r.extensions.escalation.escalateTo) used.add(e);
    });
    const inhibitor = new Inhibitor(config.inhibitRules, this.opts.clock);
    for (const a of this.store.list()) inhibitor.observe(a);
    const pipelines = new Map<string, Stage>();
    for (const receiver of config.receivers) {
      if (!used.has(receiver.name)) {
        this.opts.logger.info({ receiver: receiver.name }, 'skipping creation of receiver not referenced by any route');
        continue;
      }
      const integrations: ReceiverIntegration[] = receiver.integrations.map((i) => ({
        index: i.index,
        notifier: INTEGRATIONS[i.kind].create(i.config, { logger: this.opts.logger, templateFiles: config.templateFiles, externalURL: this.opts.externalURL }),
      }));
      pipelines.set(
        receiver.name,
        buildPipeline(integrations, {
          inhibitor: (labels) => inhibitor.inhibitedBy(labels) !== undefined,
          silencer: (labels) => this.silences.mutedBy(labels).length > 0,
          timeIntervals: (name) => config.timeIntervals.get(name),
          nflog: this.opts.nflog,
          nflogRetentionMs: this.opts.retentionMs,
          clock: this.opts.clock,
          logger: this.opts.logger.child({ component: 'notify', receiver: receiver.name }),
          metrics: this.opts.metrics,
          claimed: this.claimedDeps(),
        }),
      );
    }
    this.running?.dispatcher.stop();
    const dispatcher = new Dispatcher(route, this.store, (g, alerts, now) => this.flush(pipelines, g, alerts, now), this.opts.clock);
    this.running = { config, route, inhibitor, dispatcher, pipelines };
    dispatcher.start();
  }

  private claimedDeps() {
    const d = this.opts.durability;
    if (!d) return undefined;
    const onDelivered: DeliveredHook = (ctx, alerts, claim) => d.delivered(ctx.groupKey, ctx.route?.extensions.escalation, alerts, ctx.groupLabels, claim.firing);
    return { claims: d.claims, onDelivered };
  }

  private async flush(pipelines: Map<string, Stage>, group: AggregationGroup, alerts: StoredAlert[], now: Date, receiver = group.receiver): Promise<boolean> {
    const stage = pipelines.get(receiver);
    if (!stage) return true;
    const opts = group.route.opts;
    return trace.getTracer('freshtrack').startActiveSpan('alerting.dispatch.flush', async (span) => {
      span.setAttributes({ receiver, 'group.key': group.groupKey, 'alerts.count': alerts.length });
      // Notifications get until the next flush to finish, as Alertmanager's flush deadline.
      const abort = new AbortController();
      const timer = this.opts.clock.setTimeout(() => abort.abort(), opts.groupIntervalMs);
      try {
        await stage.exec(
          {
            receiver,
            groupKey: group.groupKey,
            groupLabels: group.labels,
            integrationIndex: 0,
            externalURL: this.opts.externalURL,
            now,
            signal: abort.signal,
            repeatIntervalMs: opts.repeatIntervalMs,
            muteTimeIntervals: opts.muteTimeIntervals,
            activeTimeIntervals: opts.activeTimeIntervals,
            route: group.route,
          },
          alerts,
        );
        return true;
      } catch (err) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
        this.opts.logger.error({ aggrGroup: group.groupKey, err: (err as Error).message }, 'Notify for alerts failed');
        return false;
      } finally {
        this.opts.clock.clearTimeout(timer);
        span.end();
      }
    });
  }

  /**
   * notifyReceiver runs `receiver`'s pipeline on a group's current alerts (an escalation step);
   * false when this replica has no such group any more, throws when delivery failed.
   */
  async notifyReceiver(receiver: string, groupKey: string): Promise<boolean> {
    const group = this.groups().find((g) => g.groupKey === groupKey && !g.empty());
    if (!group) return false;
    if (!(await this.flush(this.current.pipelines, group, group.sortedAlerts(), this.opts.clock.now(), receiver))) throw new Error(`notifying ${receiver} failed`);
    return true;
  }

  /** committed resolves once every accepted alert and silence change is stored (before a 2xx). */
  async committed(): Promise<void> {
    await this.opts.durability?.committed();
  }

  /**
   * put stores validated alerts (the dispatcher and inhibitor see them at once). `request` is
   * the POST they were decoded from, at its time: the alert log keeps it instead of them.
   */
  put(alerts: StoredAlert[], request?: LoggedRequest): void {
    const persistence = this.opts.durability?.persistence;
    if (!request) {
      for (const a of alerts) this.store.put(a);
      return;
    }
    const at = new Date(request.receivedAt);
    const put = () => {
      for (const a of alerts) this.store.put(a, at);
    };
    if (persistence) persistence.record(request, put);
    else put();
  }

  /** status computes an alert's silenced/inhibited state now, as the API does. */
  status(labels: Record<string, string>): AlertStatus {
    const silencedBy = this.silences.mutedBy(labels);
    const inhibitor = this.running?.inhibitor.inhibitedBy(labels);
    const inhibitedBy = inhibitor ? [inhibitor] : [];
    return { state: silencedBy.length || inhibitedBy.length ? 'suppressed' : 'active', silencedBy, inhibitedBy };
  }

  /** receivers lists the receiver of every matching route, duplicates kept. */
  receivers(labels: Record<string, string>): string[] {
    return this.route.match(labels).map((r) => r.opts.receiver);
  }

  /** groups lists the aggregation groups for the API. */
  groups(): AggregationGroup[] {
    return this.running?.dispatcher.allGroups() ?? [];
  }

  /** gc drops resolved alerts and expired silences / log entries past retention. */
  async gc(): Promise<void> {
    const dropped = this.store.gc();
    this.running?.inhibitor.forget(dropped.map((a) => a.fingerprint));
    this.silences.gc();
    await this.opts.nflog?.gc(this.opts.clock.now());
  }

  stop(): void {
    this.running?.dispatcher.stop();
  }
}
