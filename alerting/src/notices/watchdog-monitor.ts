import type { Logger } from 'pino';
import type { StoredAlert } from '../provider/alert-store';
import type { Clock } from '../types/clock';
import { watchdogMissing, watchdogStale } from './domain/notice-alerts';

export interface WatchdogOptions {
  /** The router's current alerts (AlertStore.list). */
  alerts: () => StoredAlert[];
  put: (alerts: StoredAlert[]) => void;
  clock: Clock;
  logger: Logger;
  /** The always-firing alert's name (ROUTER_WATCHDOG_ALERTNAME, default Watchdog). */
  alertname: string;
  /** How long it may be missing before WatchdogMissing fires (ROUTER_WATCHDOG_TIMEOUT). */
  timeoutMs: number;
}

/**
 * WatchdogMonitor is the router's half of the dead man's switch (ADR 0036):
 * Prometheus fires `Watchdog` forever; when it stops arriving, the router raises
 * `WatchdogMissing` itself, a path that does not depend on Prometheus. The other half, an
 * external heartbeat receiver on the Watchdog route, catches the router itself being down.
 */
export class WatchdogMonitor {
  private readonly startedAt: Date;

  constructor(private readonly o: WatchdogOptions) {
    this.startedAt = o.clock.now();
  }

  /** check raises (or keeps raising) WatchdogMissing when overdue; returns whether it did. */
  check(): boolean {
    const now = this.o.clock.now();
    let lastSeen: Date | undefined;
    for (const a of this.o.alerts()) {
      if (a.labels.alertname !== this.o.alertname) continue;
      if (!lastSeen || a.updatedAt > lastSeen) lastSeen = a.updatedAt;
    }
    if (!watchdogStale(lastSeen, this.startedAt, now, this.o.timeoutMs)) return false;
    this.o.put([watchdogMissing(this.o.alertname, lastSeen, now, this.o.timeoutMs)]);
    this.o.logger.warn({ watchdog: this.o.alertname, lastSeen }, 'watchdog alert overdue');
    return true;
  }
}
