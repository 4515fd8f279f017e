import type { Muter } from '../notify/mute-stages';
import type { FlushContext, Stage } from '../notify/stage';
import type { Alert } from '../types/alert';

/**
 * SilenceStage is the pipeline's silence step with the opt-in `send_resolved_when_silenced`
 * (Alertmanager #226): silenced alerts are dropped, except that with the option a silenced
 * alert that has *resolved* goes on, so an incident opened downstream before the silence is
 * still closed. Dedup then sends it only if the receiver was told the alert fired.
 */
export class SilenceStage implements Stage {
  constructor(
    private readonly silencer: Muter,
    private readonly sendResolvedWhenSilenced: (ctx: FlushContext) => boolean,
    private readonly onMuted: (n: number) => void = () => undefined,
  ) {}

  async exec(ctx: FlushContext, alerts: Alert[]): Promise<[FlushContext, Alert[]]> {
    const passResolved = this.sendResolvedWhenSilenced(ctx);
    const kept = alerts.filter((a) => (passResolved && a.endsAt <= ctx.now) || !this.silencer(a.labels));
    if (kept.length !== alerts.length) this.onMuted(alerts.length - kept.length);
    return [ctx, kept];
  }
}
