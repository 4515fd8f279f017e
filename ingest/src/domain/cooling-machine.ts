import type { CoolingRule } from '../../../platform/contracts/food-safety-profiles';
import { newExcursion, type AlertEvent, type Excursion } from './excursion';

/**
 * CoolingMachine follows cooked food through a cooling unit's two-stage cooling (Food Code
 * 3-501.14), one reading at a time in recorded_at order. A cycle is a `CoolingTooSlow`
 * excursion:
 *   none → pending (the probe reads hot-holding temperature: cooling starts) → discarded (the
 *   food reached the cold-holding limit in time) or open (a stage deadline passed first) →
 *   closed (the food reached the cold-holding limit at last).
 * `limitC` holds the stage in force while pending (stage 1's 21 °C, then the cold-holding
 * limit) and the missed stage's limit once open. Hot food again while pending restarts the
 * clock (reheated, or a new batch); an open excursion stays open until the food is cold.
 * A reading past a deadline counts as missing it, whatever it reads: nobody saw the food
 * meet the deadline. Without a reading, the scheduled sweep opens an overdue cycle.
 */
export class CoolingMachine {
  readonly events: AlertEvent[] = [];
  readonly touched = new Set<Excursion>();

  constructor(
    private live: Excursion | null,
    private readonly rule: CoolingRule,
  ) {}

  /** cycling: a cooling cycle is under way (pending or overdue), so holding limits do not apply. */
  cycling(): boolean {
    return this.live !== null;
  }

  step(at: Date, tempC: number): void {
    const ex = this.live;
    if (!ex) {
      if (tempC >= this.rule.startC) this.start(at, tempC);
      return;
    }
    ex.lastReadingAt = at;
    ex.lastTemperatureC = tempC;
    this.touched.add(ex);
    if (ex.state === 'pending') {
      if (tempC >= this.rule.startC) {
        this.restart(ex, at, tempC);
        return;
      }
      const elapsed = (at.getTime() - ex.breachStartedAt.getTime()) / 1000;
      if (ex.limitC === this.rule.stage1C) {
        if (elapsed > this.rule.stage1Seconds) this.open(ex, this.rule.stage1Seconds);
        else if (tempC <= this.rule.stage1C) ex.limitC = this.rule.stage2C;
      }
      if (ex.state === 'pending') {
        if (elapsed > this.rule.stage2Seconds) this.open(ex, this.rule.stage2Seconds);
        else if (tempC <= this.rule.stage2C) {
          this.discard(ex);
          return;
        }
      }
    }
    if (ex.state === 'open' && tempC <= this.rule.stage2C) this.close(ex, at);
  }

  /**
   * sweep opens a cycle whose stage deadline passed with no reading since (the scheduled
   * sweep): a probe reporting every hour must not push the alert an hour past the deadline.
   */
  sweep(now: Date): void {
    const ex = this.live;
    if (!ex || ex.state !== 'pending') return;
    const elapsed = (now.getTime() - ex.breachStartedAt.getTime()) / 1000;
    if (ex.limitC === this.rule.stage1C && elapsed > this.rule.stage1Seconds) this.open(ex, this.rule.stage1Seconds);
    else if (elapsed > this.rule.stage2Seconds) this.open(ex, this.rule.stage2Seconds);
  }

  private start(at: Date, tempC: number): void {
    const ex = newExcursion('CoolingTooSlow', at, {
      direction: 'high',
      severity: 'critical',
      limitC: this.rule.stage1C,
      peakC: tempC,
      peakAt: at,
      lastReadingAt: at,
      lastTemperatureC: tempC,
    });
    this.live = ex;
    this.touched.add(ex);
  }

  private restart(ex: Excursion, at: Date, tempC: number): void {
    ex.breachStartedAt = at;
    ex.limitC = this.rule.stage1C;
    ex.peakC = tempC;
    ex.peakAt = at;
  }

  /** open: the stage ending `deadlineSeconds` after the start was missed; the excursion dates from the deadline. */
  private open(ex: Excursion, deadlineSeconds: number): void {
    ex.state = 'open';
    ex.openedAt = new Date(ex.breachStartedAt.getTime() + deadlineSeconds * 1000);
    // Past a cooling deadline the Food Code leaves reheating at once or discarding; the
    // suggestion is the safe one, the runbook gives the choice.
    ex.suggestedDisposition = 'discard';
    this.touched.add(ex);
    this.events.push({ status: 'firing', excursion: ex, severity: ex.severity });
  }

  private discard(ex: Excursion): void {
    ex.state = 'closed';
    ex.discarded = true;
    this.live = null;
  }

  private close(ex: Excursion, at: Date): void {
    ex.state = 'closed';
    ex.closedAt = at;
    this.events.push({ status: 'resolved', excursion: ex, severity: ex.severity });
    this.live = null;
  }
}
