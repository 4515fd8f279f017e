import type { Alert } from '../types/alert';
import { anyContains, type TimeInterval } from '../timeinterval/time-interval';
import type { FlushContext, Stage } from './stage';

/** Muter decides whether an alert's labels are muted (the inhibitor or the silences). */
export type Muter = (labels: Record<string, string>) => boolean;

/** MuteStage drops muted alerts; `onMuted` counts them by reason. */
export class MuteStage implements Stage {
  constructor(
    private readonly muter: Muter,
    private readonly onMuted: (n: number) => void = () => undefined,
  ) {}

  async exec(ctx: FlushContext, alerts: Alert[]): Promise<[FlushContext, Alert[]]> {
    const kept = alerts.filter((a) => !this.muter(a.labels));
    if (kept.length !== alerts.length) this.onMuted(alerts.length - kept.length);
    return [ctx, kept];
  }
}

type IntervalLookup = (name: string) => TimeInterval[] | undefined;

function inAny(names: string[], lookup: IntervalLookup, now: Date): boolean {
  return names.some((n) => anyContains(lookup(n) ?? [], now));
}

/** TimeMuteStage drops the whole flush while a route's mute_time_intervals contain `now`. */
export class TimeMuteStage implements Stage {
  constructor(private readonly lookup: IntervalLookup) {}

  async exec(ctx: FlushContext, alerts: Alert[]): Promise<[FlushContext, Alert[]]> {
    return [ctx, inAny(ctx.muteTimeIntervals, this.lookup, ctx.now) ? [] : alerts];
  }
}

/** TimeActiveStage drops the flush unless a route's active_time_intervals contain `now`. */
export class TimeActiveStage implements Stage {
  constructor(private readonly lookup: IntervalLookup) {}

  async exec(ctx: FlushContext, alerts: Alert[]): Promise<[FlushContext, Alert[]]> {
    if (ctx.activeTimeIntervals.length === 0) return [ctx, alerts];
    return [ctx, inAny(ctx.activeTimeIntervals, this.lookup, ctx.now) ? alerts : []];
  }
}
