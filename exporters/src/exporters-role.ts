import { databaseReadiness } from '../../platform/db/readiness';
import { startHttpService } from '../../platform/http/http-service';
import type { ListenAddress } from '../../platform/config/listen-address';
import type { RoleContext, RunningRole } from '../../platform/lifecycle/role';
import { BackupCollector } from './backup/backup-collector';
import { BackupScheduler } from './backup/backup-scheduler';
import { loadExportersConfig, type ExportersFlags } from './exporters-config';
import { PgBouncerCollector } from './pgbouncer/pgbouncer-collector';
import { SnapshotRegistry, type Collector } from './snapshot-registry';
import { CertificateFilesCollector } from './tls/certificate-files-collector';
import { CertificateHistory } from './tls/certificate-history';
import { probeHandler } from './tls/probe-route';
import { TlsTargetsCollector } from './tls/tls-targets-collector';

export const EXPORTERS_DEFAULT_PORT = 9127;

/**
 * startExporters serves the PgBouncer, backup and certificate exporters: `/metrics` scrapes
 * every enabled collector into a fresh registry (one snapshot per scrape) and `/probe` is
 * blackbox's multi-target TLS probe. Collectors without configuration stay off, so
 * `freshtrack start` runs it with no PgBouncer at all.
 */
export async function startExporters(ctx: RoleContext, listen: ListenAddress, flags: ExportersFlags = {}): Promise<RunningRole> {
  const config = loadExportersConfig(flags, ctx.env);
  const history = new CertificateHistory(ctx.pool, ctx.logger.child({ component: 'certificate-history' }));
  const collectors: Collector[] = [];
  if (config.pgbouncer) {
    collectors.push(new PgBouncerCollector({ connectionString: config.pgbouncer.connectionString, logger: ctx.logger.child({ component: 'pgbouncer' }) }));
  }
  if (config.backup.collect) collectors.push(new BackupCollector(ctx.pool, ctx.logger.child({ component: 'backup' })));
  if (config.tls.targets.length) collectors.push(new TlsTargetsCollector(config.tls.targets, config.tls.modules, ctx.logger.child({ component: 'tls' }), history));
  if (config.tls.files.length) collectors.push(new CertificateFilesCollector(config.tls.files, ctx.logger.child({ component: 'certificate-files' }), history));

  const registry = new SnapshotRegistry(ctx.registry, collectors, ctx.logger, config.scrapeTimeoutMs);
  const service = await startHttpService({
    name: 'exporters',
    ...listen,
    registry,
    logger: ctx.logger,
    readiness: databaseReadiness(ctx.pool),
    routes: (app) => {
      app.get('/probe', probeHandler({ modules: config.tls.modules, logger: ctx.logger.child({ component: 'probe' }), history }));
    },
  });
  ctx.shutdown.register('exporters http', service.close);

  if (config.backup.schedule) {
    const scheduler = new BackupScheduler(config.backup.schedule, ctx.pool, ctx.logger.child({ component: 'backup-scheduler' }), ctx.registry);
    scheduler.start();
    ctx.shutdown.register('backup scheduler', () => scheduler.stop());
  }
  ctx.logger.info({ collectors: collectors.map((c) => c.name), modules: Object.keys(config.tls.modules) }, 'exporters enabled');
  return {
    name: 'exporters',
    url: service.url,
    notes: [`${service.url}/probe?target=HOST:PORT&module=${Object.keys(config.tls.modules)[0] ?? 'tls'}   collectors: ${collectors.map((c) => c.name).join(', ') || 'none'}`],
  };
}
