/**
 * ClaimHeartbeat renews a send claim every quarter lease while its holder sends, retries and
 * settles, so a slow but alive sender keeps its claim however long the send takes, while the
 * claim of a holder that died lapses within one lease (ADR 0035).
 *
 * It calls `onLost` (once) when sending on could page twice:
 * - a renewal matched no row: the claim lapsed (a stall longer than the lease) and another
 *   replica took it over;
 * - the lease ran out while renewals failed or hung (PostgreSQL unreachable): from then on
 *   another replica may take the claim over without this one knowing.
 * A renewal that starts late because this process stalled, but still finds the claim ours, is
 * fine: while the token on the row is ours, nobody else holds a claim. So the lease's end only
 * counts against renewals that were started in time.
 */
export class ClaimHeartbeat {
  private next?: NodeJS.Timeout;
  private expiry?: NodeJS.Timeout;
  private stopped = false;
  /** performance.now() until which the lease is known to hold: counted from before the write that set it. */
  private confirmedUntil = 0;
  /** When the renewal in flight started, if one is. */
  private renewingSince?: number;
  private lastFailed = false;

  /**
   * @param renew extends the claim by its lease; false when the claim is no longer ours
   * @param claimedAt performance.now() taken before the claim transaction (a lower bound of its start)
   */
  constructor(
    private readonly renew: () => Promise<boolean>,
    private readonly leaseMs: number,
    claimedAt: number,
    private readonly onLost: (why: string) => void,
  ) {
    this.confirm(claimedAt);
    this.schedule();
  }

  /** stop ends the renewals; call it once the claim is settled. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.next);
    clearTimeout(this.expiry);
  }

  private confirm(since: number): void {
    this.confirmedUntil = since + this.leaseMs;
    clearTimeout(this.expiry);
    this.expiry = setTimeout(() => this.leaseEnded(), Math.max(0, this.confirmedUntil - performance.now()));
  }

  private leaseEnded(): void {
    const inTime = this.renewingSince !== undefined && this.renewingSince < this.confirmedUntil;
    if (inTime || (this.renewingSince === undefined && this.lastFailed)) this.lose('the send claim could not be renewed within its lease');
  }

  private lose(why: string): void {
    if (this.stopped) return;
    this.stop();
    this.onLost(why);
  }

  private schedule(): void {
    if (!this.stopped) this.next = setTimeout(() => void this.beat(), this.leaseMs / 4);
  }

  private async beat(): Promise<void> {
    const started = performance.now();
    this.renewingSince = started;
    try {
      const ours = await this.renew();
      if (!ours) return this.lose('the send claim lapsed and another replica took it over');
      this.lastFailed = false;
      if (!this.stopped) this.confirm(started);
    } catch (err) {
      this.lastFailed = true;
      if (performance.now() >= this.confirmedUntil) return this.lose(`the send claim could not be renewed within its lease: ${(err as Error).message}`);
    } finally {
      this.renewingSince = undefined;
    }
    this.schedule();
  }
}
