import { suggestDisposition } from './disposition';
import { newExcursion, raisesPeak, type AlertEvent, type Excursion } from './excursion';
import { beyondLimit, classify, isCleared, type Thresholds, type UnitType } from './thresholds';

export interface TemperatureStep {
  at: Date;
  tempC: number;
  /** Inside a suppression window (defrost, cleaning). */
  suppressed: boolean;
}

/**
 * TemperatureMachine advances one sensor's TemperatureExcursion through readings taken in
 * recorded_at order:
 *   none → pending (first breaching reading) → open (breach persisted `delaySeconds`) → closed
 *   (back inside the limit by the hysteresis). A pending breach that comes back inside the
 *   limit is discarded; a suppressed reading discards a pending breach and leaves an open
 *   excursion untouched. Between readings the previous temperature is taken to hold, so time
 *   and degree-minutes beyond the limit accrue per interval.
 */
export class TemperatureMachine {
  readonly events: AlertEvent[] = [];
  /** Every excursion this machine touched (to be written back). */
  readonly touched = new Set<Excursion>();

  constructor(
    private live: Excursion | null,
    private readonly thresholds: Thresholds,
    private readonly unitType: UnitType,
  ) {}

  current(): Excursion | null {
    return this.live;
  }

  step(r: TemperatureStep): void {
    const ex = this.live;
    if (ex) this.accrue(ex, r.at);
    if (r.suppressed) {
      if (ex?.state === 'pending') this.discard(ex);
      return;
    }
    const breach = classify(r.tempC, this.thresholds);
    if (ex && (!breach || breach.direction !== ex.direction)) {
      const cleared = ex.state === 'pending' || isCleared(r.tempC, ex.direction!, ex.limitC!, this.thresholds.hysteresisC);
      if (cleared || breach) {
        if (ex.state === 'pending') this.discard(ex);
        else this.close(ex, r.at, r.tempC);
      } else {
        this.observe(ex, r);
        return;
      }
    }
    if (!breach) return;
    const cur = this.live ?? this.start(r, breach.direction, breach.limitC);
    this.observe(cur, r);
    if (breach.severity === 'critical') this.escalate(cur);
    if (cur.state === 'pending' && r.at.getTime() - cur.breachStartedAt.getTime() >= this.thresholds.delaySeconds * 1000) this.open(cur, r.at);
  }

  /**
   * late handles a reading older than what was already evaluated, inside the live excursion:
   * it can raise the peak, and a critical one escalates the excursion as it would have in order
   * (the machine never de-escalates, so nothing evaluated since could have undone it). It never
   * opens a pending breach: a live pending breach means every reading evaluated since its start
   * came within its delay, and a late reading is older than those.
   */
  late(at: Date, tempC: number): void {
    const ex = this.live;
    if (!ex || at < ex.breachStartedAt || ex.direction === null) return;
    this.raisePeak(ex, at, tempC);
    const breach = classify(tempC, this.thresholds);
    if (breach?.severity === 'critical' && breach.direction === ex.direction) this.escalate(ex);
  }

  private raisePeak(ex: Excursion, at: Date, tempC: number): void {
    if (!raisesPeak(ex, tempC)) return;
    ex.peakC = tempC;
    ex.peakAt = at;
    this.refreshDisposition(ex);
    this.touched.add(ex);
  }

  private open(ex: Excursion, at: Date): void {
    ex.state = 'open';
    ex.openedAt = at;
    this.touched.add(ex);
    this.events.push({ status: 'firing', excursion: ex, severity: ex.severity });
  }

  /** escalate moves a warning excursion to critical: an open one's warning alert resolves and a critical one fires. */
  private escalate(ex: Excursion): void {
    if (ex.severity === 'critical') return;
    if (ex.state === 'open') this.events.push({ status: 'resolved', excursion: ex, severity: 'warning' });
    ex.severity = 'critical';
    if (ex.state === 'open') this.events.push({ status: 'firing', excursion: ex, severity: 'critical' });
    this.touched.add(ex);
  }

  /**
   * backdate merges a replayed breach that ran on into the live excursion (ADR 0069): the
   * breach began earlier than the live excursion knew, so it starts then, counts the time and
   * degree-minutes beyond the limit from then (the replay saw every reading the live one did),
   * and opens now if it was still pending though the replay says its delay had passed. An
   * excursion that was already firing is sent again at once, so the router shows the earlier
   * start and the disposition it leads to now, not at the next periodic re-send.
   */
  backdate(earlier: Excursion): void {
    const ex = this.live;
    if (!ex || ex.direction !== earlier.direction || earlier.breachStartedAt >= ex.breachStartedAt) return;
    const eventsBefore = this.events.length;
    ex.breachStartedAt = earlier.breachStartedAt;
    ex.secondsBeyondLimit = Math.max(ex.secondsBeyondLimit, earlier.secondsBeyondLimit);
    ex.degreeMinutes = Math.max(ex.degreeMinutes, earlier.degreeMinutes);
    if (earlier.peakC !== null && earlier.peakAt !== null) this.raisePeak(ex, earlier.peakAt, earlier.peakC);
    if (earlier.severity === 'critical') this.escalate(ex);
    if (ex.state === 'pending' && earlier.state === 'open') this.open(ex, earlier.openedAt!);
    this.refreshDisposition(ex);
    if (ex.state === 'open' && this.events.length === eventsBefore) this.events.push({ status: 'firing', excursion: ex, severity: ex.severity });
    this.touched.add(ex);
  }

  private start(r: TemperatureStep, direction: 'high' | 'low', limitC: number): Excursion {
    const ex = newExcursion('TemperatureExcursion', r.at, { direction, limitC, peakC: r.tempC, peakAt: r.at });
    this.live = ex;
    this.touched.add(ex);
    return ex;
  }

  private accrue(ex: Excursion, at: Date): void {
    if (ex.lastReadingAt === null || ex.lastTemperatureC === null || at <= ex.lastReadingAt) return;
    const beyond = beyondLimit(ex.lastTemperatureC, ex.direction!, ex.limitC!);
    if (beyond <= 0) return;
    const dt = (at.getTime() - ex.lastReadingAt.getTime()) / 1000;
    ex.secondsBeyondLimit += dt;
    ex.degreeMinutes += (beyond * dt) / 60;
    this.touched.add(ex);
  }

  private observe(ex: Excursion, r: TemperatureStep): void {
    if (raisesPeak(ex, r.tempC)) {
      ex.peakC = r.tempC;
      ex.peakAt = r.at;
    }
    ex.lastReadingAt = r.at;
    ex.lastTemperatureC = r.tempC;
    this.refreshDisposition(ex);
    this.touched.add(ex);
  }

  private refreshDisposition(ex: Excursion): void {
    ex.suggestedDisposition = suggestDisposition(this.unitType, ex.direction!, ex.peakC!, ex.secondsBeyondLimit);
  }

  private discard(ex: Excursion): void {
    ex.state = 'closed';
    ex.discarded = true;
    this.touched.add(ex);
    this.live = null;
  }

  private close(ex: Excursion, at: Date, tempC: number): void {
    ex.state = 'closed';
    ex.closedAt = at;
    ex.lastReadingAt = at;
    ex.lastTemperatureC = tempC;
    this.refreshDisposition(ex);
    this.touched.add(ex);
    this.events.push({ status: 'resolved', excursion: ex, severity: ex.severity });
    this.live = null;
  }
}
