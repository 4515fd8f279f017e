import { validate as validateCron } from 'node-cron';
import { databaseReadiness } from '../../platform/db/readiness';
import { startHttpService } from '../../platform/http/http-service';
import type { ListenAddress } from '../../platform/config/listen-address';
import type { RoleContext, RunningRole } from '../../platform/lifecycle/role';
import { parseIngestConfig, redactUrl } from './config/ingest-config';
import { IngestMetrics } from './metrics/ingest-metrics';
import { readingsRouter } from './routes/readings-route';
import { AlertOutboxWorker } from './services/alert-outbox-worker';
import { IngestJobs } from './services/ingest-jobs';
import { ReadingIngestService } from './services/reading-ingest-service';
import { fleetSnapshot } from './stores/fleet-store';

export const INGEST_DEFAULT_PORT = 8081;

/**
 * startIngest serves the sensor-reading API (POST /v1/readings) and runs ingest's background
 * work: the alert outbox worker and the node-cron jobs (partition maintenance, offline sweep).
 */
export async function startIngest(ctx: RoleContext, listen: ListenAddress): Promise<RunningRole> {
  const config = parseIngestConfig(ctx.env, validateCron);
  const links = { runbookBaseUrl: config.runbookBaseUrl, dashboardUrl: config.dashboardUrl };
  const routers = config.alertmanagerUrls.map(redactUrl);
  const metrics = new IngestMetrics(ctx.registry, () => fleetSnapshot(ctx.pool, config.batteryLowPct, routers));
  const service = new ReadingIngestService(
    ctx.pool,
    {
      limits: { maxBatch: config.maxBatch, maxFutureSkewSeconds: config.maxFutureSkewSeconds, retentionDays: config.retentionDays },
      rules: { doorOpenSeconds: config.doorOpenSeconds, batteryLowPct: config.batteryLowPct, batteryClearPct: config.batteryLowPct + 5 },
      links,
      routers,
      // PGlite's wire protocol has no COPY FROM STDIN.
      copyMinRows: ctx.embeddedDatabase ? 0 : config.copyMinRows,
      writeConcurrency: config.writeConcurrency,
      maxReadingsPerWrite: config.maxBatch,
    },
    metrics,
    ctx.logger,
  );
  const http = await startHttpService({
    name: 'ingest',
    ...listen,
    registry: ctx.registry,
    logger: ctx.logger,
    readiness: databaseReadiness(ctx.pool),
    routes: (app) =>
      app.use(
        readingsRouter({
          pool: ctx.pool,
          service,
          metrics,
          logger: ctx.logger,
          maxBatch: config.maxBatch,
          maxBodyBytes: config.maxBodyBytes,
          rateLimitPerSecond: config.rateLimitPerSecond,
          readingsPerSecondPerKey: config.readingsPerSecondPerKey,
          deviceKeyCacheSeconds: config.deviceKeyCacheSeconds,
        }),
      ),
  });
  const worker = new AlertOutboxWorker(
    ctx.pool,
    {
      routerUrls: config.alertmanagerUrls,
      pollMs: config.outboxPollMs,
      resendIntervalSeconds: config.resendIntervalSeconds,
      maxBackoffSeconds: config.outboxMaxBackoffSeconds,
      links,
    },
    metrics,
    ctx.logger.child({ component: 'alert-outbox' }),
  );
  const jobs = new IngestJobs(
    ctx.pool,
    { offlineSweepCron: config.offlineSweepCron, partitionCron: config.partitionCron, offlineMultiple: config.offlineMultiple, retentionDays: config.retentionDays, links, routers },
    metrics,
    ctx.logger.child({ component: 'ingest-jobs' }),
  );
  // Registered first so they close last: the listener stops taking readings, then the jobs
  // and the worker finish what they started, then the pool closes.
  ctx.shutdown.register('ingest outbox worker', () => worker.stop());
  ctx.shutdown.register('ingest jobs', () => jobs.stop());
  ctx.shutdown.register('ingest http', http.close);
  await jobs.run('partition-maintenance', (c) => jobs.maintainPartitions(c));
  jobs.start();
  worker.start();
  return {
    name: 'ingest',
    url: http.url,
    notes: [`POST ${http.url}/v1/readings  (alerts → ${routers.join(', ')})`],
  };
}
