import { newExcursion, type AlertEvent, type Excursion } from './excursion';

/** Fleet rules beside temperature: door left open, battery low, sensor silent. */
export interface SensorRuleSettings {
  /** DoorOpenTooLong fires once the door has reported open this long. */
  doorOpenSeconds: number;
  /** SensorBatteryLow fires below this percentage… */
  batteryLowPct: number;
  /** …and clears only at this percentage or above (no flapping around the threshold). */
  batteryClearPct: number;
}

export interface RuleOutcome {
  live: Excursion | null;
  touched: Excursion[];
  events: AlertEvent[];
}

function fire(ex: Excursion, at: Date, out: RuleOutcome): void {
  ex.state = 'open';
  ex.openedAt = at;
  out.events.push({ status: 'firing', excursion: ex, severity: ex.severity });
}

function resolve(ex: Excursion, at: Date, out: RuleOutcome): void {
  const wasOpen = ex.state === 'open';
  ex.state = 'closed';
  ex.closedAt = at;
  if (wasOpen) out.events.push({ status: 'resolved', excursion: ex, severity: ex.severity });
  else ex.discarded = true;
  out.live = null;
}

/** stepDoor: pending from the first open report, open after `doorOpenSeconds`, closed on shut. */
export function stepDoor(live: Excursion | null, at: Date, doorOpen: boolean, s: SensorRuleSettings, out: RuleOutcome): void {
  out.live = live;
  if (!doorOpen) {
    if (live) {
      resolve(live, at, out);
      out.touched.push(live);
    }
    return;
  }
  const ex = live ?? newExcursion('DoorOpenTooLong', at);
  ex.lastReadingAt = at;
  if (ex.state === 'pending' && at.getTime() - ex.breachStartedAt.getTime() >= s.doorOpenSeconds * 1000) fire(ex, at, out);
  out.live = ex;
  out.touched.push(ex);
}

/** stepBattery: open below batteryLowPct, closed at batteryClearPct or above. */
export function stepBattery(live: Excursion | null, at: Date, batteryPct: number, s: SensorRuleSettings, out: RuleOutcome): void {
  out.live = live;
  if (live && batteryPct >= s.batteryClearPct) {
    resolve(live, at, out);
    out.touched.push(live);
  } else if (!live && batteryPct < s.batteryLowPct) {
    const ex = newExcursion('SensorBatteryLow', at, { lastReadingAt: at });
    fire(ex, at, out);
    out.live = ex;
    out.touched.push(ex);
  }
}

/** resolveOffline: any reading from a sensor marked offline brings it back. */
export function resolveOffline(live: Excursion | null, at: Date, out: RuleOutcome): void {
  out.live = live;
  if (!live) return;
  resolve(live, at, out);
  out.touched.push(live);
}
