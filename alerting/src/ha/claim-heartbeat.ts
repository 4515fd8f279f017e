/** HeldClaim is what a renewal needs of a claim: its row, its token and its lease. */
export interface HeldClaim {
  key: { receiver: string; integration: string; groupKey: string };
  token: string;
  leaseMs: number;
}

/** RenewFn extends the given claims by their leases in one statement; resolves the tokens that were still ours. */
export type RenewFn = (claims: HeldClaim[]) => Promise<Set<string>>;

interface Holding {
  claim: HeldClaim;
  onLost: (why: string) => void;
  /** performance.now() until which the lease is known to hold: counted from before the write that set it. */
  confirmedUntil: number;
  expiry?: NodeJS.Timeout;
  /** The last renewal that included this claim failed. */
  lastFailed: boolean;
}

/**
 * ClaimHeartbeat renews the send claims a replica holds while it sends, retries and settles
 * (ADR 0035): every quarter of the shortest held lease, all of them in one statement, so a
 * receiver outage that keeps many groups retrying costs one write per tick, not one per group.
 * A slow but alive sender keeps its claims however long the send takes; the claims of a
 * replica that died lapse within one lease.
 *
 * It calls a claim's `onLost` (once) when sending on could page twice:
 * - a renewal did not match it: the claim lapsed (a stall longer than the lease) and another
 *   replica took it over;
 * - its lease ran out while renewals failed or hung (PostgreSQL unreachable): from then on
 *   another replica may take it over without this one knowing.
 * A renewal that starts late because this process stalled, but still finds the claim ours, is
 * fine: while the token on the row is ours, nobody else holds a claim. So the lease's end only
 * counts against renewals that were started in time.
 */
export class ClaimHeartbeat {
  private readonly held = new Map<string, Holding>();
  private timer?: NodeJS.Timeout;
  private dueAt = Infinity;
  /** When the renewal in flight started, while one is. */
  private renewingSince?: number;

  constructor(private readonly renew: RenewFn) {}

  /**
   * hold renews `claim` until the returned release is called (once it is settled).
   * @param claimedAt performance.now() taken before the claim transaction (a lower bound of its start)
   */
  hold(claim: HeldClaim, claimedAt: number, onLost: (why: string) => void): () => void {
    const h: Holding = { claim, onLost, confirmedUntil: 0, lastFailed: false };
    this.held.set(claim.token, h);
    this.confirm(h, claimedAt);
    this.schedule();
    return () => this.release(h);
  }

  private release(h: Holding): void {
    clearTimeout(h.expiry);
    if (this.held.get(h.claim.token) === h) this.held.delete(h.claim.token);
    if (this.held.size === 0) {
      clearTimeout(this.timer);
      this.dueAt = Infinity;
    }
  }

  private confirm(h: Holding, since: number): void {
    h.confirmedUntil = since + h.claim.leaseMs;
    h.lastFailed = false;
    clearTimeout(h.expiry);
    h.expiry = setTimeout(() => this.leaseEnded(h), Math.max(0, h.confirmedUntil - performance.now()));
  }

  private leaseEnded(h: Holding): void {
    const inTime = this.renewingSince !== undefined && this.renewingSince < h.confirmedUntil;
    if (inTime || (this.renewingSince === undefined && h.lastFailed)) this.lose(h, 'the send claim could not be renewed within its lease');
  }

  private lose(h: Holding, why: string): void {
    if (!this.held.has(h.claim.token)) return;
    this.release(h);
    h.onLost(why);
  }

  /** schedule arms the next renewal a quarter of the shortest held lease from now, unless one is due sooner. */
  private schedule(): void {
    if (this.renewingSince !== undefined || this.held.size === 0) return;
    const shortest = Math.min(...[...this.held.values()].map((h) => h.claim.leaseMs));
    const due = performance.now() + shortest / 4;
    if (due >= this.dueAt) return;
    clearTimeout(this.timer);
    this.dueAt = due;
    this.timer = setTimeout(() => void this.beat(), shortest / 4);
  }

  private async beat(): Promise<void> {
    this.dueAt = Infinity;
    const batch = [...this.held.values()];
    if (batch.length === 0) return;
    const started = performance.now();
    this.renewingSince = started;
    try {
      const ours = await this.renew(batch.map((h) => h.claim));
      for (const h of batch) {
        if (ours.has(h.claim.token)) {
          if (this.held.has(h.claim.token)) this.confirm(h, started);
        } else {
          this.lose(h, 'the send claim lapsed and another replica took it over');
        }
      }
    } catch (err) {
      for (const h of batch) {
        h.lastFailed = true;
        if (performance.now() >= h.confirmedUntil) this.lose(h, `the send claim could not be renewed within its lease: ${(err as Error).message}`);
      }
    } finally {
      this.renewingSince = undefined;
    }
    this.schedule();
  }
}
