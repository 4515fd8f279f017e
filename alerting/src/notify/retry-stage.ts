import { trace } from '@opentelemetry/api';
import type { Logger } from 'pino';
import type { Alert } from '../types/alert';
import type { Clock } from '../types/clock';
import { NotifyError, type Notifier } from './notifier';
import type { FlushContext, Stage } from './stage';

/** NotifyMetrics receives per-attempt outcomes (wired to the alertmanager_notification* series). */
export interface NotifyMetrics {
  attempt(integration: string, seconds: number): void;
  failed(integration: string, reason: string): void;
}

export const noMetrics: NotifyMetrics = { attempt: () => undefined, failed: () => undefined };

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
      try {
        for (let attempt = 1; ; attempt++) {
          if (ctx.signal?.aborted) {
            throw new Error(`${ctx.receiver}/${name}[${this.integrationIndex}]: notify retry canceled after ${attempt - 1} attempts: ${lastError?.message ?? 'context deadline exceeded'}`);
          }
          const started = performance.now();
          try {
            await this.notifier.notify(notifyCtx, sent);
            this.metrics.attempt(name, (performance.now() - started) / 1000);
            return [ctx, alerts];
          } catch (err) {
            this.metrics.attempt(name, (performance.now() - started) / 1000);
            const e = err instanceof NotifyError ? err : new NotifyError((err as Error).message, false, 'other');
            this.metrics.failed(name, e.reason);
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
        span.recordException(err as Error);
        throw err;
      } finally {
        span.end();
      }
    });
  }
}
