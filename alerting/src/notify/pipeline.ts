import type { Logger } from 'pino';
import type { NotificationLog } from '../nflog/notification-log';
import type { TimeInterval } from '../timeinterval/time-interval';
import type { Clock } from '../types/clock';
import { DedupStage, SetNotifiesStage } from './dedup-stage';
import { MuteStage, TimeActiveStage, TimeMuteStage, type Muter } from './mute-stages';
import type { Notifier } from './notifier';
import { RetryStage, type NotifyMetrics } from './retry-stage';
import { FanoutStage, MultiStage, type Stage } from './stage';
import { ClaimedIntegrationStage, type DeliveredHook } from '../ha/claimed-integration-stage';
import type { SendClaims } from '../ha/send-claims';
import { SilenceStage } from '../notices/silence-stage';

/** ReceiverIntegration is a built notifier with its position in the receiver's config. */
export interface ReceiverIntegration {
  notifier: Notifier;
  index: number;
}

export interface PipelineDeps {
  inhibitor: Muter;
  silencer: Muter;
  timeIntervals: (name: string) => TimeInterval[] | undefined;
  /** Required unless `claimed` is given. */
  nflog?: NotificationLog;
  nflogRetentionMs: number;
  clock: Clock;
  logger: Logger;
  metrics?: NotifyMetrics;
  onMuted?: (reason: 'inhibition' | 'silence', n: number) => void;
  /** Replicas share PostgreSQL: dedup becomes a send claim (ADR 0035) and nflog is unused. */
  claimed?: { claims: SendClaims; onDelivered?: DeliveredHook };
}

/**
 * buildPipeline assembles one receiver's stages in Alertmanager's order: inhibit →
 * time-active → time-mute → silence → for each integration (dedup → retry → log).
 */
export function buildPipeline(integrations: ReceiverIntegration[], deps: PipelineDeps): Stage {
  const perIntegration = integrations.map(({ notifier, index }): Stage => {
    const retry = (n: typeof notifier) => new RetryStage(n, index, deps.clock, deps.logger, deps.metrics);
    if (deps.claimed) {
      const { claims, onDelivered } = deps.claimed;
      const maxLeaseMs = (ctx: { route?: { opts: { groupIntervalMs: number } } }) => ctx.route?.opts.groupIntervalMs ?? 5 * 60_000;
      return new ClaimedIntegrationStage({ claims, notifier, index, retry, maxLeaseMs, onDelivered });
    }
    const nflog = deps.nflog;
    if (!nflog) throw new Error('buildPipeline: a notification log or send claims are required');
    const key = (ctx: { receiver: string; groupKey: string }) => ({ receiver: ctx.receiver, integration: notifier.integration, index, groupKey: ctx.groupKey });
    return new MultiStage([
      new DedupStage(nflog, key, notifier.sendResolved, deps.clock),
      retry(notifier),
      new SetNotifiesStage(nflog, key, deps.nflogRetentionMs, deps.clock),
    ]);
  });
  return new MultiStage([
    new MuteStage(deps.inhibitor, (n) => deps.onMuted?.('inhibition', n)),
    new TimeActiveStage(deps.timeIntervals),
    new TimeMuteStage(deps.timeIntervals),
    new SilenceStage(deps.silencer, (ctx) => ctx.route?.extensions.sendResolvedWhenSilenced ?? false, (n) => deps.onMuted?.('silence', n)),
    new FanoutStage(perIntegration),
  ]);
}
