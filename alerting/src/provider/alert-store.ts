import type { Alert } from '../types/alert';
import type { Clock } from '../types/clock';
import { isUtcMs, UTC_MS, type TimeForm } from '../types/go-time';

/** StoredAlert remembers whether endsAt came from the resolve timeout (Alertmanager's Timeout). */
export interface StoredAlert extends Alert {
  timeout: boolean;
}

export type AlertListener = (alert: StoredAlert) => void;

const isResolvedAt = (a: StoredAlert, now: Date) => a.endsAt.getTime() <= now.getTime();

type Which = 'startsAt' | 'endsAt';
const form = (a: StoredAlert, which: Which): TimeForm => a.posted?.[which] ?? UTC_MS;

/** before compares two alerts' times as Go's time.Before does: to the nanosecond. */
function before(a: StoredAlert, o: StoredAlert, which: Which): boolean {
  const d = a[which].getTime() - o[which].getTime();
  return d < 0 || (d === 0 && form(a, which).subMsNanos < form(o, which).subMsNanos);
}

/** mergeAlerts is Alertmanager's Alert.Merge: the younger update wins, the earliest start is kept. */
export function mergeAlerts(a: StoredAlert, o: StoredAlert, now: Date): StoredAlert {
  if (o.updatedAt < a.updatedAt) return mergeAlerts(o, a, now);
  const res = { ...o };
  let startsFrom = o;
  let endsFrom = o;
  if (before(a, o, 'startsAt')) startsFrom = a;
  if (isResolvedAt(o, now)) {
    if (isResolvedAt(a, now) && before(o, a, 'endsAt')) endsFrom = a;
  } else if (before(o, a, 'endsAt') && !a.timeout) endsFrom = a;
  res.startsAt = startsFrom.startsAt;
  res.endsAt = endsFrom.endsAt;
  // A time taken from the older update keeps the form it was posted in.
  if (a.posted || o.posted) {
    const posted = { startsAt: form(startsFrom, 'startsAt'), endsAt: form(endsFrom, 'endsAt') };
    if (isUtcMs(posted.startsAt) && isUtcMs(posted.endsAt)) delete res.posted;
    else res.posted = posted;
  }
  return res;
}

/**
 * putOver is what the provider stores when `alert` arrives while `old` is stored: the merge of
 * the two if their activity ranges overlap, else the new one (Alertmanager's mem provider Put).
 */
export function putOver(old: StoredAlert | undefined, alert: StoredAlert, now: Date): StoredAlert {
  if (!old) return alert;
  const overlaps = (alert.endsAt > old.startsAt && alert.endsAt < old.endsAt) || (alert.startsAt > old.startsAt && alert.startsAt < old.endsAt);
  return overlaps ? mergeAlerts(old, alert, now) : alert;
}

/**
 * AlertStore holds the current alerts by fingerprint (Alertmanager's mem provider) and tells
 * subscribers (dispatcher, inhibitor) about every update.
 */
export class AlertStore {
  private readonly alerts = new Map<string, StoredAlert>();
  private readonly listeners = new Set<AlertListener>();

  constructor(private readonly clock: Clock) {}

  /** put stores an alert, merging it with an overlapping stored one (`now`: when it was received). */
  put(alert: StoredAlert, now?: Date): StoredAlert {
    const stored = putOver(this.alerts.get(alert.fingerprint), alert, now ?? this.clock.now());
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
