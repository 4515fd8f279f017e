import { databaseReadiness } from '../../platform/db/readiness';
import { startHttpService } from '../../platform/http/http-service';
import type { ListenAddress } from '../../platform/config/listen-address';
import type { RoleContext, RunningRole } from '../../platform/lifecycle/role';

export const INGEST_DEFAULT_PORT = 8081;

/** startIngest serves the sensor-reading API. */
export async function startIngest(ctx: RoleContext, listen: ListenAddress): Promise<RunningRole> {
  const service = await startHttpService({
    name: 'ingest',
    ...listen,
    registry: ctx.registry,
    logger: ctx.logger,
    readiness: databaseReadiness(ctx.pool),
    routes: () => undefined,
  });
  ctx.shutdown.register('ingest http', service.close);
  return { name: 'ingest', url: service.url };
}
