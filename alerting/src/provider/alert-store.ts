import type { Alert } from '../types/alert';
import type { Clock } from '../types/clock';

/** StoredAlert remembers whether endsAt came from the resolve timeout (Alertmanager's Timeout). */
export interface StoredAlert extends Alert {
  timeout: boolean;
  /**
   * The UTC offsets (minutes) startsAt and endsAt were posted in, when not UTC: like Go's
   * time.Time, Alertmanager keeps them and its API prints the times in them. Not persisted:
   * a restarted router shows the same instants in UTC.
   */
  offsets?: { startsAt: number; endsAt: number };
}

export type AlertListener = (alert: StoredAlert) => void;

const isResolvedAt = (a: StoredAlert, now: Date) => a.endsAt.getTime() <= now.getTime();

/** mergeAlerts is Alertmanager's Alert.Merge: the younger update wins, the earliest start is kept. */
export function mergeAlerts(a: StoredAlert, o: StoredAlert, now: Date): StoredAlert {
  if (o.updatedAt < a.updatedAt) return mergeAlerts(o, a, now);
  const res = { ...o };
  if (a.startsAt < o.startsAt) res.startsAt = a.startsAt;
  if (isResolvedAt(o, now)) {
    if (isResolvedAt(a, now) && a.endsAt > o.endsAt) res.endsAt = a.endsAt;
  } else if (a.endsAt > o.endsAt && !a.timeout) res.endsAt = a.endsAt;
  // A time taken from the older update keeps the offset it was posted in.
  if (a.offsets || o.offsets) {
    const offsets = { startsAt: (res.startsAt === a.startsAt ? a : o).offsets?.startsAt ?? 0, endsAt: (res.endsAt === a.endsAt ? a : o).offsets?.endsAt ?? 0 };
    if (offsets.startsAt || offsets.endsAt) res.offsets = offsets;
    else delete res.offsets;
  }
  return res;
}

/**
 * AlertStore holds the current alerts by fingerprint (Alertmanager's mem provider) and tells
 * subscribers (dispatcher, inhibitor) about every update.
 */
export class AlertStore {
  private readonly alerts = new Map<string, StoredAlert>();
  private readonly listeners = new Set<AlertListener>();

  constructor(private readonly clock: Clock) {}

  /** put stores an alert, merging it with an overlapping stored one. */
  put(alert: StoredAlert): StoredAlert {
    const old = this.alerts.get(alert.fingerprint);
    let stored = alert;
    if (old) {
      const overlaps = (alert.endsAt > old.startsAt && alert.endsAt < old.endsAt) || (alert.startsAt > old.startsAt && alert.startsAt < old.endsAt);
      if (overlaps) stored = mergeAlerts(old, alert, this.clock.now());
    }
    this.alerts.set(stored.fingerprint, stored);
    for (const l of this.listeners) l(stored);
    return stored;
  }

  get(fp: string): StoredAlert | undefined {
    return this.alerts.get(fp);
  }

  list(): StoredAlert[] {
    return [...this.alerts.values()];
  }

  subscribe(listener: AlertListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** gc drops resolved alerts, as the provider's periodic garbage collection. */
  gc(): StoredAlert[] {
    const now = this.clock.now();
    const dropped: StoredAlert[] = [];
    for (const [fp, a] of this.alerts) {
      if (isResolvedAt(a, now)) {
        this.alerts.delete(fp);
        dropped.push(a);
      }
    }
    return dropped;
  }

  /** counts by state for alertmanager_alerts. */
  size(): number {
    return this.alerts.size;
  }
}
