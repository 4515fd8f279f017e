import { databaseReadiness } from '../../platform/db/readiness';
import { startHttpService } from '../../platform/http/http-service';
import type { ListenAddress } from '../../platform/config/listen-address';
import type { RoleContext, RunningRole } from '../../platform/lifecycle/role';

export const ALERTING_DEFAULT_PORT = 9093;

/** startAlerting serves the Alertmanager-compatible router. */
export async function startAlerting(ctx: RoleContext, listen: ListenAddress): Promise<RunningRole> {
  const service = await startHttpService({
    name: 'alerting',
    ...listen,
    registry: ctx.registry,
    logger: ctx.logger,
    readiness: databaseReadiness(ctx.pool),
    routes: () => undefined,
  });
  ctx.shutdown.register('alerting http', service.close);
  return { name: 'alerting', url: service.url };
}
