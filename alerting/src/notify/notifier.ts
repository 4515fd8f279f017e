import type { Alert } from '../types/alert';

/**
 * NotifyContext carries the facts of one flush of one aggregation group to one integration.
 * `now` is fixed once per flush so every stage sees the same time.
 */
export interface NotifyContext {
  receiver: string;
  /** Alertmanager group key, e.g. `{}/{team="x"}:{alertname="A"}`. */
  groupKey: string;
  groupLabels: Record<string, string>;
  /** Index of the integration within its receiver's `<kind>_configs` list. */
  integrationIndex: number;
  externalURL: string;
  now: Date;
  /** Aborted when the retry budget (bounded by group_interval) runs out. */
  signal?: AbortSignal;
}

/**
 * Notifier is one configured integration (one entry of `webhook_configs`, `slack_configs`…).
 * notify() resolves when the service accepted the notification and throws NotifyError
 * otherwise.
 */
export interface Notifier {
  /** The integration name used in metrics and the notification log: webhook, slack, email… */
  readonly integration: string;
  readonly sendResolved: boolean;
  notify(ctx: NotifyContext, alerts: Alert[]): Promise<void>;
}

/**
 * NotifyError says whether a failed attempt may succeed if retried (5xx, 429, network) or
 * never will (other 4xx, a bad template). `reason` is the failure-counter label.
 */
export class NotifyError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly reason: 'clientError' | 'serverError' | 'timeout' | 'network' | 'template' | 'other',
  ) {
    super(message);
    this.name = 'NotifyError';
  }
}

/** checkResponse maps an HTTP status to success or a NotifyError, as Alertmanager's Retrier. */
export function checkResponse(integration: string, status: number, body = ''): void {
  if (status >= 200 && status < 300) return;
  const snippet = body.length > 200 ? `${body.slice(0, 200)}…` : body;
  const message = `${integration}: unexpected status code ${status}${snippet ? `: ${snippet}` : ''}`;
  if (status >= 500 || status === 429) throw new NotifyError(message, true, 'serverError');
  throw new NotifyError(message, false, 'clientError');
}
