import type { NotificationEntry, NotificationKey, NotificationLog } from '../nflog/notification-log';
import type { Alert } from '../types/alert';
import type { Clock } from '../types/clock';
import type { FlushContext, Stage } from './stage';

const subset = (sub: string[], of: string[]) => {
  const set = new Set(of);
  return sub.every((x) => set.has(x));
};

/**
 * needsUpdate is Alertmanager's dedup rule: notify on new firing alerts, on "all resolved"
 * after firing, on new resolved alerts when send_resolved, else when repeat_interval passed.
 */
export function needsUpdate(entry: NotificationEntry | undefined, firing: string[], resolved: string[], sendResolved: boolean, repeatMs: number, now: Date): boolean {
  if (!entry) return firing.length > 0;
  if (!subset(firing, entry.firing)) return true;
  if (firing.length === 0) return entry.firing.length > 0;
  if (sendResolved && !subset(resolved, entry.resolved)) return true;
  return entry.timestamp.getTime() < now.getTime() - repeatMs;
}

/** DedupStage passes the alerts on only when the notification log says they are news. */
export class DedupStage implements Stage {
  constructor(
    private readonly nflog: NotificationLog,
    private readonly key: (ctx: FlushContext) => NotificationKey,
    private readonly sendResolved: boolean,
    private readonly clock: Clock,
  ) {}

  async exec(ctx: FlushContext, alerts: Alert[]): Promise<[FlushContext, Alert[]]> {
    const firing: string[] = [];
    const resolved: string[] = [];
    for (const a of alerts) (a.endsAt <= ctx.now ? resolved : firing).push(a.fingerprint);
    const next = { ...ctx, firing, resolved };
    const entry = await this.nflog.query(this.key(ctx));
    return [next, needsUpdate(entry, firing, resolved, this.sendResolved, ctx.repeatIntervalMs, this.clock.now()) ? alerts : []];
  }
}

/** SetNotifiesStage records a successful notification in the log. */
export class SetNotifiesStage implements Stage {
  constructor(
    private readonly nflog: NotificationLog,
    private readonly key: (ctx: FlushContext) => NotificationKey,
    private readonly retentionMs: number,
    private readonly clock: Clock,
  ) {}

  async exec(ctx: FlushContext, alerts: Alert[]): Promise<[FlushContext, Alert[]]> {
    const now = this.clock.now();
    await this.nflog.log(this.key(ctx), { firing: ctx.firing ?? [], resolved: ctx.resolved ?? [], timestamp: now, expiresAt: new Date(now.getTime() + this.retentionMs) });
    return [ctx, alerts];
  }
}
