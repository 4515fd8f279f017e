import { trace } from '@opentelemetry/api';
import type { Logger } from 'pino';
import type { Alert } from '../types/alert';
import type { Clock } from '../types/clock';
import { NotifyError, type Notifier } from './notifier';
import type { FlushContext, Stage } from './stage';

/**
 * NotifyMetrics receives outcomes as Alertmanager counts them: a notification is one pass of
 * the retry stage, however many requests (attempts) it takes; it fails when the stage gives up.
 */
export interface NotifyMetrics {
  notification(integration: string): void;
  notificationFailed(integration: string, reason: string): void;
  request(integration: string, seconds: number): void;
  requestFailed(integration: string): void;
}

export const noMetrics: NotifyMetrics = { notification: () => undefined, notificationFailed: () => undefined, request: () => undefined, requestFailed: () => undefined };

/** Backoff follows cenkalti/backoff's defaults as Alertmanager uses them. */
const INITIAL_MS = 500;
const MULTIPLIER = 1.5;
const RANDOMIZATION = 0.5;
const MAX_MS = 60_000;

function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const handle = clock.setTimeout(done, ms);
    function done() {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }
    function onAbort() {
      clock.clearTimeout(handle);
      done();
    }
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * RetryStage sends through one integration, retrying retryable failures with exponential
 * backoff and jitter until the flush's signal (deadline = group_interval) aborts.
 * Non-retryable errors (4xx other than 429, bad templates) fail at once.
 */
export class RetryStage implements Stage {
  constructor(
    private readonly notifier: Notifier,
    private readonly integrationIndex: number,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly metrics: NotifyMetrics = noMetrics,
  ) {}

  async exec(ctx: FlushContext, alerts: Alert[]): Promise<[FlushContext, Alert[]]> {
    let sent = alerts;
    if (!this.notifier.sendResolved) {
      if ((ctx.firing ?? []).length === 0) return [ctx, alerts];
      sent = alerts.filter((a) => a.endsAt > ctx.now);
    }
    const name = this.notifier.integration;
    const notifyCtx = { ...ctx, integrationIndex: this.integrationIndex };
    return trace.getTracer('freshtrack').startActiveSpan('alerting.notify.RetryStage.exec', async (span): Promise<[FlushContext, Alert[]]> => {
      span.setAttributes({ receiver: ctx.receiver, integration: `${name}[${this.integrationIndex}]`, 'alerts.count': sent.length });
      let interval = INITIAL_MS;
      let lastError: Error | undefined;
      let failureReason = 'other';
      this.metrics.notification(name);
      try {
        for (let attempt = 1; ; attempt++) {
          if (ctx.signal?.aborted) {
            throw new Error(`${ctx.receiver}/${name}[${this.integrationIndex}]: notify retry canceled after ${attempt - 1} attempts: ${lastError?.message ?? 'context deadline exceeded'}`);
          }
          const started = performance.now();
          try {
            await this.notifier.notify(notifyCtx, sent);
            this.metrics.request(name, (performance.now() - started) / 1000);
            return [ctx, alerts];
          } catch (err) {
            this.metrics.request(name, (performance.now() - started) / 1000);
            this.metrics.requestFailed(name);
            const e = err instanceof NotifyError ? err : new NotifyError((err as Error).message, false, 'other');
            failureReason = e.reason;
            if (!e.retryable) {
              throw new Error(`${ctx.receiver}/${name}[${this.integrationIndex}]: notify retry canceled due to unrecoverable error after ${attempt} attempts: ${e.message}`);
            }
            if (!lastError || lastError.message !== e.message) {
              this.logger.warn({ receiver: ctx.receiver, integration: `${name}[${this.integrationIndex}]`, attempts: attempt, err: e.message }, 'Notify attempt failed, will retry later');
            }
            lastError = e;
          }
          const jittered = interval * (1 - RANDOMIZATION + Math.random() * 2 * RANDOMIZATION);
          interval = Math.min(interval * MULTIPLIER, MAX_MS);
          await sleep(this.clock, jittered, ctx.signal);
        }
      } catch (err) {
        this.metrics.notificationFailed(name, failureReason);
        span.recordException(err as Error);
        throw err;
      } finally {
        span.end();
      }
    });
  }
}
