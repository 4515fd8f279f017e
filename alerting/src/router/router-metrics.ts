import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { NotifyError } from '../notify/notifier';
import type { NotifyMetrics } from '../notify/retry-stage';

/** Every NotifyError reason (the compiler checks the list is complete). */
const FAILURE_REASONS = Object.keys({ clientError: 0, serverError: 0, timeout: 0, network: 0, template: 0, other: 0 } satisfies Record<NotifyError['reason'], 0>);

/** RouterMetrics are the alertmanager_* series existing dashboards query. */
export class RouterMetrics implements NotifyMetrics {
  readonly alertsReceived: Counter<'status' | 'version'>;
  readonly alertsInvalid: Counter<'version'>;
  readonly notifications: Counter<'integration'>;
  readonly notificationsFailed: Counter<'integration' | 'reason'>;
  readonly requests: Counter<'integration'>;
  readonly requestsFailed: Counter<'integration'>;
  readonly latency: Histogram<'integration'>;
  readonly configHash: Gauge;
  readonly reloadSuccess: Gauge;
  readonly reloadTimestamp: Gauge;
  readonly suppressed: Counter<'reason'>;

  constructor(
    registry: Registry,
    collect: { alerts(): Record<'active' | 'suppressed' | 'unprocessed', number>; silences(): Record<'active' | 'pending' | 'expired', number> },
    integrations: string[],
  ) {
    const registers = [registry];
    new Gauge({
      name: 'alertmanager_alerts',
      help: 'How many alerts by state.',
      labelNames: ['state'],
      registers,
      collect() {
        for (const [state, n] of Object.entries(collect.alerts())) this.set({ state }, n);
      },
    });
    new Gauge({
      name: 'alertmanager_silences',
      help: 'How many silences by state.',
      labelNames: ['state'],
      registers,
      collect() {
        for (const [state, n] of Object.entries(collect.silences())) this.set({ state }, n);
      },
    });
    // `version` is the API the alerts came in through, v1 or v2, as Alertmanager labels them.
    this.alertsReceived = new Counter({ name: 'alertmanager_alerts_received_total', help: 'The total number of received alerts.', labelNames: ['status', 'version'], registers });
    this.alertsInvalid = new Counter({ name: 'alertmanager_alerts_invalid_total', help: 'The total number of received alerts that were invalid.', labelNames: ['version'], registers });
    this.notifications = new Counter({ name: 'alertmanager_notifications_total', help: 'The total number of attempted notifications.', labelNames: ['integration'], registers });
    this.notificationsFailed = new Counter({
      name: 'alertmanager_notifications_failed_total',
      help: 'The total number of failed notifications.',
      labelNames: ['integration', 'reason'],
      registers,
    });
    this.requests = new Counter({
      name: 'alertmanager_notification_requests_total',
      help: 'The total number of attempted notification requests.',
      labelNames: ['integration'],
      registers,
    });
    this.requestsFailed = new Counter({
      name: 'alertmanager_notification_requests_failed_total',
      help: 'The total number of failed notification requests.',
      labelNames: ['integration'],
      registers,
    });
    this.latency = new Histogram({
      name: 'alertmanager_notification_latency_seconds',
      help: 'The latency of notifications in seconds.',
      labelNames: ['integration'],
      buckets: [1, 5, 10, 15, 20],
      registers,
    });
    this.suppressed = new Counter({
      name: 'alertmanager_notifications_suppressed_total',
      help: 'The total number of notifications suppressed for being outside of active time intervals or within muted time intervals.',
      labelNames: ['reason'],
      registers,
    });
    this.configHash = new Gauge({ name: 'alertmanager_config_hash', help: 'Hash of the currently loaded alertmanager configuration.', registers });
    this.reloadSuccess = new Gauge({ name: 'alertmanager_config_last_reload_successful', help: 'Whether the last configuration reload attempt was successful.', registers });
    this.reloadTimestamp = new Gauge({
      name: 'alertmanager_config_last_reload_success_timestamp_seconds',
      help: 'Timestamp of the last successful configuration reload.',
      registers,
    });
    // As Alertmanager, every integration's series exist at 0 before its first notification, so
    // rate() and increase() see the first attempt or failure. Alertmanager 0.25 has no `reason`
    // label; ours, like later Alertmanagers', pre-creates one series per reason.
    for (const integration of integrations) {
      this.notifications.inc({ integration }, 0);
      for (const reason of FAILURE_REASONS) this.notificationsFailed.inc({ integration, reason }, 0);
      this.requests.inc({ integration }, 0);
      this.requestsFailed.inc({ integration }, 0);
      this.latency.zero({ integration });
    }
    for (const version of ['v1', 'v2']) {
      this.alertsInvalid.inc({ version }, 0);
      for (const status of ['firing', 'resolved']) this.alertsReceived.inc({ status, version }, 0);
    }
  }

  notification(integration: string): void {
    this.notifications.inc({ integration });
  }

  notificationFailed(integration: string, reason: string): void {
    this.notificationsFailed.inc({ integration, reason });
  }

  request(integration: string, seconds: number): void {
    this.requests.inc({ integration });
    this.latency.observe({ integration }, seconds);
  }

  requestFailed(integration: string): void {
    this.requestsFailed.inc({ integration });
  }
}
