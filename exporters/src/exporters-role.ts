import { databaseReadiness } from '../../platform/db/readiness';
import { startHttpService } from '../../platform/http/http-service';
import type { ListenAddress } from '../../platform/config/listen-address';
import type { RoleContext, RunningRole } from '../../platform/lifecycle/role';

export const EXPORTERS_DEFAULT_PORT = 9127;

/** startExporters serves the PgBouncer, backup and certificate exporters. */
export async function startExporters(ctx: RoleContext, listen: ListenAddress): Promise<RunningRole> {
  const service = await startHttpService({
    name: 'exporters',
    ...listen,
    registry: ctx.registry,
    logger: ctx.logger,
    readiness: databaseReadiness(ctx.pool),
    routes: () => undefined,
  });
  ctx.shutdown.register('exporters http', service.close);
  return { name: 'exporters', url: service.url };
}
