import type { Alert } from '../types/alert';
import type { Route } from '../dispatch/route';
import type { NotifyContext } from './notifier';

/**
 * FlushContext carries the facts of one flush through the pipeline (Alertmanager's
 * notify context values); `now` is fixed once per flush.
 */
export interface FlushContext extends NotifyContext {
  repeatIntervalMs: number;
  muteTimeIntervals: string[];
  activeTimeIntervals: string[];
  /** The group's route (its group_interval bounds a send claim; its extensions opt in to features). */
  route?: Route;
  /** Set by the dedup stage: fingerprints of firing / resolved alerts in this flush. */
  firing?: string[];
  resolved?: string[];
}

/** Stage is one step of the notification pipeline; it returns the alerts that go on. */
export interface Stage {
  exec(ctx: FlushContext, alerts: Alert[]): Promise<[FlushContext, Alert[]]>;
}

/** MultiStage runs stages in order and stops once no alerts remain. */
export class MultiStage implements Stage {
  constructor(private readonly stages: Stage[]) {}

  async exec(ctx: FlushContext, alerts: Alert[]): Promise<[FlushContext, Alert[]]> {
    let c = ctx;
    let as = alerts;
    for (const s of this.stages) {
      if (as.length === 0) return [c, []];
      [c, as] = await s.exec(c, as);
    }
    return [c, as];
  }
}

/** FanoutStage runs stages concurrently (one per integration) and joins their errors. */
export class FanoutStage implements Stage {
  constructor(private readonly stages: Stage[]) {}

  async exec(ctx: FlushContext, alerts: Alert[]): Promise<[FlushContext, Alert[]]> {
    const results = await Promise.allSettled(this.stages.map((s) => s.exec(ctx, alerts)));
    const errors = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as Error);
    if (errors.length === 1) throw errors[0];
    if (errors.length) throw new AggregateError(errors, errors.map((e) => e.message).join('; '));
    return [ctx, alerts];
  }
}
