import type { Logger } from 'pino';
import type { NotificationLog } from '../nflog/notification-log';
import type { TimeInterval } from '../timeinterval/time-interval';
import type { Clock } from '../types/clock';
import { DedupStage, SetNotifiesStage } from './dedup-stage';
import { MuteStage, TimeActiveStage, TimeMuteStage, type Muter } from './mute-stages';
import type { Notifier } from './notifier';
import { RetryStage, type NotifyMetrics } from './retry-stage';
import { FanoutStage, MultiStage, type Stage } from './stage';

/** ReceiverIntegration is a built notifier with its position in the receiver's config. */
export interface ReceiverIntegration {
  notifier: Notifier;
  index: number;
}

export interface PipelineDeps {
  inhibitor: Muter;
  silencer: Muter;
  timeIntervals: (name: string) => TimeInterval[] | undefined;
  nflog: NotificationLog;
  nflogRetentionMs: number;
  clock: Clock;
  logger: Logger;
  metrics?: NotifyMetrics;
  onMuted?: (reason: 'inhibition' | 'silence', n: number) => void;
}

/**
 * buildPipeline assembles one receiver's stages in Alertmanager's order: inhibit →
 * time-active → time-mute → silence → for each integration (dedup → retry → log).
 */
export function buildPipeline(integrations: ReceiverIntegration[], deps: PipelineDeps): Stage {
  const perIntegration = integrations.map(({ notifier, index }) => {
    const key = (ctx: { receiver: string; groupKey: string }) => ({ receiver: ctx.receiver, integration: notifier.integration, index, groupKey: ctx.groupKey });
    return new MultiStage([
      new DedupStage(deps.nflog, key, notifier.sendResolved, deps.clock),
      new RetryStage(notifier, index, deps.clock, deps.logger, deps.metrics),
      new SetNotifiesStage(deps.nflog, key, deps.nflogRetentionMs, deps.clock),
    ]);
  });
  return new MultiStage([
    new MuteStage(deps.inhibitor, (n) => deps.onMuted?.('inhibition', n)),
    new TimeActiveStage(deps.timeIntervals),
    new TimeMuteStage(deps.timeIntervals),
    new MuteStage(deps.silencer, (n) => deps.onMuted?.('silence', n)),
    new FanoutStage(perIntegration),
  ]);
}
