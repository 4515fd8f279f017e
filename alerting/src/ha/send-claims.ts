import { randomUUID } from 'node:crypto';
import { Counter, type Registry } from 'prom-client';
import { withTransaction, type Pool } from '../../../platform/db/pool';
import { NotificationHistoryStore } from '../store/notification-history-store';
import { DEFAULT_CLAIM_LEASE_MS } from './durability-config';
import { decideSend, type SendDecision } from './domain/send-decision';
import { ClaimHeartbeat } from './claim-heartbeat';
import { clearAck, leaseLeft, lockStateRow, releaseClaim, renewClaims, settleSuccess, takeClaim, type NotifyKey } from './send-claim-sql';

export type { NotifyKey } from './send-claim-sql';

/** FlushFacts is what one flush of one group to one integration knows. */
export interface FlushFacts {
  firing: string[];
  resolved: string[];
  sendResolved: boolean;
  repeatIntervalMs: number;
  /**
   * How long the claim holds unless renewed: the claimant renews it while it sends (`renew`),
   * so this only bounds how long a replica that died mid-send blocks the others.
   */
  leaseMs: number;
  /** Test clock; production uses the database clock so replicas agree on time. */
  now?: Date;
}

export interface Claim {
  key: NotifyKey;
  token: string;
  firing: string[];
  resolved: string[];
  reason: string;
  leaseMs: number;
  /** The injected test clock of the flush, if any: the log then records that time as sentAt. */
  now?: Date;
}

/**
 * ClaimResult says whether this replica sends. When another send of the same entry is in
 * flight (reason `claimed`), `retryInMs` is how long its lease still runs: if its holder died,
 * the claim lapses then and the caller can take over without waiting for its next flush.
 */
export type ClaimResult = { claimed: true; claim: Claim } | { claimed: false; reason: string; retryInMs?: number };

export interface AttemptReport {
  attempt: number;
  ok: boolean;
  error?: string;
  durationMs?: number;
  payload?: unknown;
}

/**
 * SendClaims is the exactly-once protocol between router replicas (ADR 0035). Before an
 * integration sends, `claim` decides under the row lock of (receiver, integration, group key)
 * whether this flush needs a notification and, if so, records an in-flight claim with a lease
 * in the same short transaction. Only the claimant sends; `settle` moves the sent sets into
 * the log (success) or gives the claim back (failure) so the next tick anywhere retries.
 */
export class SendClaims {
  private readonly history: NotificationHistoryStore;
  private readonly claims?: Counter<'result'>;
  /** Renews this replica's claims while their sends run (ClaimedIntegrationStage holds them there). */
  readonly heartbeat = new ClaimHeartbeat((held) => this.renew(held));

  /**
   * @param leaseMs the configured lease (ROUTER_SEND_CLAIM_LEASE); a flush passes its own
   *   `FlushFacts.leaseMs`, this capped by the route's group_interval.
   */
  constructor(
    private readonly pool: Pool,
    readonly replica: string,
    registry?: Registry,
    readonly leaseMs = DEFAULT_CLAIM_LEASE_MS,
  ) {
    this.history = new NotificationHistoryStore(pool);
    if (registry) {
      this.claims = new Counter({
        name: 'freshtrack_router_send_claims_total',
        help: 'Send decisions taken through the PostgreSQL notification log, by result (a send reason or why it was skipped).',
        labelNames: ['result'],
        registers: [registry],
      });
    }
  }

  async claim(key: NotifyKey, f: FlushFacts): Promise<ClaimResult> {
    const token = randomUUID();
    let retryInMs: number | undefined;
    const decision = await withTransaction(this.pool, async (c): Promise<SendDecision> => {
      const row = await lockStateRow(c, key);
      const now = f.now ?? row.dbNow;
      if (row.claimExpiresAt) retryInMs = row.claimExpiresAt.getTime() - now.getTime();
      const d = decideSend({
        firing: f.firing,
        resolved: f.resolved,
        sendResolved: f.sendResolved,
        repeatIntervalMs: f.repeatIntervalMs,
        now,
        last: row.lastSentAt ? { firing: row.firing, resolved: row.resolved, sentAt: row.lastSentAt } : null,
        claim: row.claimOwner && row.claimExpiresAt ? { owner: row.claimOwner, expiresAt: row.claimExpiresAt } : null,
        ack: row.ackFiring ? { firing: row.ackFiring } : null,
      });
      if (d.clearAck) await clearAck(c, key.groupKey, f.firing.length ? 'firing set changed' : 'group resolved');
      if (d.send) {
        await takeClaim(c, key, { token, owner: this.replica, firing: f.firing, resolved: f.resolved, expiresAt: new Date(now.getTime() + f.leaseMs) });
      }
      return d;
    });
    this.claims?.inc({ result: decision.reason });
    if (!decision.send) return decision.reason === 'claimed' ? { claimed: false, reason: decision.reason, retryInMs } : { claimed: false, reason: decision.reason };
    return { claimed: true, claim: { key, token, firing: f.firing, resolved: f.resolved, reason: decision.reason, leaseMs: f.leaseMs, now: f.now } };
  }

  /**
   * renew extends claims by their leases from now, in one statement (the heartbeat). A token
   * missing from the result is no longer ours: it lapsed and another replica took it over.
   */
  async renew(claims: Pick<Claim, 'key' | 'token' | 'leaseMs'>[], now?: Date): Promise<Set<string>> {
    return renewClaims(this.pool, claims, now ?? null);
  }

  /** leaseLeft is how long the entry's current claim still runs (0: none, or lapsed); a read, no lock. */
  async leaseLeft(key: NotifyKey): Promise<number> {
    return leaseLeft(this.pool, key);
  }

  /** recordAttempt appends one try (of possibly several retries) to the auditors' history. */
  async recordAttempt(claim: Claim, a: AttemptReport): Promise<void> {
    await this.history.append({
      ...claim.key,
      firing: claim.firing,
      resolved: claim.resolved,
      outcome: a.ok ? 'success' : 'failure',
      error: a.error,
      attempt: a.attempt,
      replica: this.replica,
      durationMs: a.durationMs,
      payload: a.payload,
    });
  }

  /**
   * settle ends the claim. Returns false if the claim had lapsed and another replica took it
   * over meanwhile (the log then follows that replica's send).
   */
  async settle(claim: Claim, ok: boolean): Promise<boolean> {
    return ok ? settleSuccess(this.pool, claim.key, claim.token, claim.now ?? null) : releaseClaim(this.pool, claim.key, claim.token);
  }
}
