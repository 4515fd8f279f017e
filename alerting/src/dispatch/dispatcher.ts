import type { AlertStore, StoredAlert } from '../provider/alert-store';
import { labelSetString } from '../types/go-quote';
import type { Clock } from '../types/clock';
import { AggregationGroup, type FlushFn } from './aggregation-group';
import type { Route } from './route';

export const GROUP_GC_INTERVAL_MS = 30_000;

/**
 * Dispatcher sorts every alert update into the aggregation groups of the routes it matches
 * and garbage-collects empty groups every 30 s (so a quick re-fire joins its old group).
 */
export class Dispatcher {
  /** Each route's groups by Route.groupId. */
  private readonly groups = new Map<Route, Map<string, AggregationGroup>>();
  private unsubscribe?: () => void;
  private gcTimer: unknown;

  constructor(
    readonly route: Route,
    private readonly store: AlertStore,
    private readonly flushFn: FlushFn,
    private readonly clock: Clock,
  ) {}

  /** start inserts the stored alerts, then follows updates. */
  start(): void {
    for (const a of this.store.list()) this.process(a);
    this.unsubscribe = this.store.subscribe((a) => this.process(a));
    this.scheduleGc();
  }

  stop(): void {
    this.unsubscribe?.();
    this.clock.clearTimeout(this.gcTimer);
    for (const byKey of this.groups.values()) for (const g of byKey.values()) g.stop();
    this.groups.clear();
  }

  private scheduleGc(): void {
    this.gcTimer = this.clock.setTimeout(() => {
      this.gc();
      this.scheduleGc();
    }, GROUP_GC_INTERVAL_MS);
  }

  /** gc removes empty groups. */
  gc(): void {
    for (const [route, byId] of this.groups) {
      for (const [id, g] of byId) {
        if (g.empty()) {
          g.stop();
          byId.delete(id);
        }
      }
      if (byId.size === 0) this.groups.delete(route);
    }
  }

  private process(alert: StoredAlert): void {
    for (const route of this.route.match(alert.labels)) {
      let byId = this.groups.get(route);
      if (!byId) {
        byId = new Map();
        this.groups.set(route, byId);
      }
      const id = route.groupId(alert.labels);
      let group = byId.get(id);
      if (!group) {
        const labels = route.groupLabels(alert.labels);
        group = new AggregationGroup(route, labels, `${route.key}:${labelSetString(labels)}`, this.flushFn, this.clock);
        byId.set(id, group);
      }
      group.insert(alert);
    }
  }

  /** allGroups lists every aggregation group in route order. */
  allGroups(): AggregationGroup[] {
    const out: AggregationGroup[] = [];
    this.route.walk((r) => {
      const byKey = this.groups.get(r);
      if (byKey) out.push(...byKey.values());
    });
    return out;
  }
}
