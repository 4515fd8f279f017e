import { databaseReadiness } from '../../platform/db/readiness';
import { startHttpService } from '../../platform/http/http-service';
import type { ListenAddress } from '../../platform/config/listen-address';
import type { RoleContext, RunningRole } from '../../platform/lifecycle/role';

export const CONTROL_PLANE_DEFAULT_PORT = 8080;

/** startControlPlane serves the authenticated API. */
export async function startControlPlane(ctx: RoleContext, listen: ListenAddress): Promise<RunningRole> {
  const service = await startHttpService({
    name: 'control-plane',
    ...listen,
    registry: ctx.registry,
    logger: ctx.logger,
    readiness: databaseReadiness(ctx.pool),
    routes: () => undefined,
  });
  ctx.shutdown.register('control-plane http', service.close);
  return { name: 'control-plane', url: service.url };
}
