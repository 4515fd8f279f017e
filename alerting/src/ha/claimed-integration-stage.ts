import type { Alert } from '../types/alert';
import type { Notifier, NotifyContext } from '../notify/notifier';
import type { FlushContext, Stage } from '../notify/stage';
import type { Claim, SendClaims } from './send-claims';

/**
 * CLAIM_LEASE_GRACE_MS is added to the retry budget: a sender that is alive but slow (a
 * starved event loop, a slow database for the settle) must not be overtaken, which would
 * send twice. A crashed sender is replaced after group_interval plus this grace.
 */
export const CLAIM_LEASE_GRACE_MS = 30_000;

/** DeliveredHook runs after a claimed send succeeded (escalation tracking hangs here). */
export type DeliveredHook = (ctx: FlushContext, alerts: Alert[], claim: Claim) => Promise<void>;

export interface ClaimedIntegrationOptions {
  claims: SendClaims;
  notifier: Notifier;
  index: number;
  /** Builds the retry stage around the (attempt-recording) notifier: the core's RetryStage. */
  retry: (notifier: Notifier) => Stage;
  /** Lease of a claim: the flush's retry budget, i.e. the route's group_interval. */
  leaseMs: (ctx: FlushContext) => number;
  /** Pass the flush's `now` to the claim (tests on an injected clock); otherwise the DB clock decides. */
  injectedClock?: boolean;
  onDelivered?: DeliveredHook;
}

/**
 * ClaimedIntegrationStage replaces Alertmanager's dedup → retry → set-notifies chain for one
 * integration when replicas share PostgreSQL: the dedup decision and the claim are one
 * transaction (SendClaims.claim), every attempt lands in the history, and the claim is
 * settled after the retry stage succeeds or gives up, so exactly one replica sends.
 */
export class ClaimedIntegrationStage implements Stage {
  constructor(private readonly o: ClaimedIntegrationOptions) {}

  async exec(ctx: FlushContext, alerts: Alert[]): Promise<[FlushContext, Alert[]]> {
    const firing: string[] = [];
    const resolved: string[] = [];
    for (const a of alerts) (a.endsAt <= ctx.now ? resolved : firing).push(a.fingerprint);
    const next: FlushContext = { ...ctx, firing, resolved };
    const { notifier, index, claims } = this.o;
    const key = { receiver: ctx.receiver, integration: `${notifier.integration}[${index}]`, groupKey: ctx.groupKey };
    const result = await claims.claim(key, {
      firing,
      resolved,
      sendResolved: notifier.sendResolved,
      repeatIntervalMs: ctx.repeatIntervalMs,
      leaseMs: this.o.leaseMs(ctx) + CLAIM_LEASE_GRACE_MS,
      now: this.o.injectedClock ? ctx.now : undefined,
    });
    if (!result.claimed) return [next, []];
    const claim = result.claim;
    let attempt = 0;
    const recording: Notifier = {
      integration: notifier.integration,
      sendResolved: notifier.sendResolved,
      async notify(c: NotifyContext, sent: Alert[]) {
        const n = ++attempt;
        const started = performance.now();
        try {
          await notifier.notify(c, sent);
        } catch (err) {
          await claims.recordAttempt(claim, { attempt: n, ok: false, error: (err as Error).message, durationMs: performance.now() - started });
          throw err;
        }
        await claims.recordAttempt(claim, { attempt: n, ok: true, durationMs: performance.now() - started });
      },
    };
    try {
      const out = await this.o.retry(recording).exec(next, alerts);
      await claims.settle(claim, true);
      await this.o.onDelivered?.(next, alerts, claim);
      return out;
    } catch (err) {
      await claims.settle(claim, false);
      throw err;
    }
  }
}
