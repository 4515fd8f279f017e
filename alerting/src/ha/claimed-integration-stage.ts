import { setTimeout as sleep } from 'node:timers/promises';
import type { Alert } from '../types/alert';
import type { Notifier, NotifyContext } from '../notify/notifier';
import type { FlushContext, Stage } from '../notify/stage';
import type { Claim, ClaimResult, NotifyKey, SendClaims } from './send-claims';

/** RECHECK_SLACK_MS is added to a foreign claim's remaining lease, so the re-claim finds it lapsed. */
const RECHECK_SLACK_MS = 50;

/** DeliveredHook runs after a claimed send succeeded (escalation tracking hangs here). */
export type DeliveredHook = (ctx: FlushContext, alerts: Alert[], claim: Claim) => Promise<void>;

export interface ClaimedIntegrationOptions {
  claims: SendClaims;
  notifier: Notifier;
  index: number;
  /** Builds the retry stage around the (attempt-recording) notifier: the core's RetryStage. */
  retry: (notifier: Notifier) => Stage;
  /**
   * The cap on this flush's claim lease: the route's group_interval. The claim's lease is
   * `claims.leaseMs` (ROUTER_SEND_CLAIM_LEASE) capped by it, so a survivor takes over a dead
   * replica's send within one group interval even where the configured lease is longer.
   */
  maxLeaseMs: (ctx: FlushContext) => number;
  onDelivered?: DeliveredHook;
}

/**
 * ClaimedIntegrationStage replaces Alertmanager's dedup → retry → set-notifies chain for one
 * integration when replicas share PostgreSQL: the dedup decision and the claim are one
 * transaction (SendClaims.claim), every attempt lands in the history, and the claim is
 * settled after the retry stage succeeds or gives up, so exactly one replica sends. The
 * claimant renews its short lease while it sends; a replica that finds the entry claimed
 * waits for that lease, so it takes over a dead claimant's send within one lease.
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
    const leaseMs = Math.min(claims.leaseMs, this.o.maxLeaseMs(ctx));
    const facts = { firing, resolved, sendResolved: notifier.sendResolved, repeatIntervalMs: ctx.repeatIntervalMs, leaseMs };
    let claimedAt = performance.now();
    let result: ClaimResult = await claims.claim(key, facts);
    // Another send of this entry is in flight, usually another replica's. A live holder renews
    // its lease and settles, and the next claim finds the log moved on. A dead one's lease
    // lapses, and this replica sends then, not at its next flush. Until the lease is out only
    // a read polls it; the flush deadline (group_interval) bounds the wait.
    while (!result.claimed && result.retryInMs !== undefined) {
      let waitMs = result.retryInMs;
      do {
        if (!(await waitUnlessAborted(waitMs + RECHECK_SLACK_MS, ctx.signal))) return [next, []];
        waitMs = await claims.leaseLeft(key);
      } while (waitMs > 0);
      claimedAt = performance.now();
      result = await claims.claim(key, facts);
    }
    if (!result.claimed) return [next, []];
    return this.send(result.claim, key, next, alerts, claimedAt);
  }

  /** send delivers as the claimant, renewing the claim until it is settled. */
  private async send(claim: Claim, key: NotifyKey, ctx: FlushContext, alerts: Alert[], claimedAt: number): Promise<[FlushContext, Alert[]]> {
    const { notifier, claims } = this.o;
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
    // Losing the claim stops the retries: whoever holds it now sends.
    const lost = new AbortController();
    const release = claims.heartbeat.hold(claim, claimedAt, (why) => lost.abort(new Error(why)));
    const signal = ctx.signal ? AbortSignal.any([ctx.signal, lost.signal]) : lost.signal;
    try {
      try {
        await this.o.retry(recording).exec({ ...ctx, signal }, alerts);
        await claims.settle(claim, true);
      } finally {
        release();
      }
      await this.o.onDelivered?.(ctx, alerts, claim);
      return [ctx, alerts];
    } catch (err) {
      await claims.settle(claim, false);
      if (lost.signal.aborted) throw new Error(`${key.receiver}/${key.integration}: ${(lost.signal.reason as Error).message}`, { cause: err });
      throw err;
    }
  }
}

/** waitUnlessAborted sleeps `ms`; false when the signal (the flush deadline) ended the wait. */
async function waitUnlessAborted(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return false;
  try {
    await sleep(ms, undefined, { signal });
    return true;
  } catch (err) {
    if (signal?.aborted) return false;
    throw err;
  }
}
