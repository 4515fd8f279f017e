import type { StoredAlert } from '../provider/alert-store';
import { compareAlerts } from '../types/alert-sort';
import type { Clock } from '../types/clock';
import type { Route } from './route';

let turns: Promise<void> = Promise.resolve();

/**
 * nextTurn gives each flush its own event-loop turn. Groups created together flush at the
 * same millisecond; without this their synchronous work (sorting, muting, building
 * payloads) would run back to back and starve incoming API requests for the whole batch.
 */
function nextTurn(): Promise<void> {
  turns = turns.then(() => new Promise<void>((resolve) => setImmediate(resolve)));
  return turns;
}

/** FlushFn notifies one group's alerts; resolves true when every integration succeeded. */
export type FlushFn = (group: AggregationGroup, alerts: StoredAlert[], now: Date) => Promise<boolean>;

/**
 * AggregationGroup batches the alerts of one route with equal group labels. It flushes
 * group_wait after creation, then every group_interval (the timer is re-armed before
 * notifying so ticks do not drift); after a successful flush resolved alerts are dropped.
 */
export class AggregationGroup {
  readonly alerts = new Map<string, StoredAlert>();
  private timer: unknown;
  private hasFlushed = false;
  private flushing: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    readonly route: Route,
    readonly labels: Record<string, string>,
    readonly groupKey: string,
    private readonly flushFn: FlushFn,
    private readonly clock: Clock,
  ) {
    this.arm(route.opts.groupWaitMs);
  }

  get receiver(): string {
    return this.route.opts.receiver;
  }

  /** insert adds or replaces an alert; an old alert in a never-flushed group flushes at once. */
  insert(alert: StoredAlert): void {
    this.alerts.set(alert.fingerprint, alert);
    if (!this.hasFlushed && alert.startsAt.getTime() + this.route.opts.groupWaitMs < this.clock.now().getTime()) this.arm(0);
  }

  empty(): boolean {
    return this.alerts.size === 0;
  }

  stop(): void {
    this.stopped = true;
    this.clock.clearTimeout(this.timer);
  }

  /** sortedAlerts lists the group's alerts in payload order. */
  sortedAlerts(): StoredAlert[] {
    return [...this.alerts.values()].sort(compareAlerts);
  }

  private arm(ms: number): void {
    this.clock.clearTimeout(this.timer);
    if (this.stopped) return;
    this.timer = this.clock.setTimeout(() => this.tick(), ms);
  }

  private tick(): void {
    const now = this.clock.now();
    this.arm(this.route.opts.groupIntervalMs);
    this.hasFlushed = true;
    // A slow flush delays the next one instead of overlapping it, as Alertmanager's loop does.
    this.flushing = this.flushing.then(() => this.flush(now));
  }

  private async flush(now: Date): Promise<void> {
    await nextTurn();
    if (this.empty() || this.stopped) return;
    const alerts = this.sortedAlerts();
    const ok = await this.flushFn(this, alerts, now);
    if (!ok) return;
    for (const a of alerts) {
      const current = this.alerts.get(a.fingerprint);
      if (a.endsAt <= now && current && current.updatedAt.getTime() === a.updatedAt.getTime()) this.alerts.delete(a.fingerprint);
    }
  }
}
