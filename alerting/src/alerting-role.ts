import { hostname } from 'node:os';
import { join } from 'node:path';
import { databaseReadiness } from '../../platform/db/readiness';
import { startHttpService } from '../../platform/http/http-service';
import { PROJECT_ROOT } from '../../platform/paths';
import type { ListenAddress } from '../../platform/config/listen-address';
import type { RoleContext, RunningRole } from '../../platform/lifecycle/role';
import { apiV1Router } from './api/v1/api-v1-router';
import { apiV2Router } from './api/v2/api-router';
import { mountLifecycleRoutes } from './api/lifecycle-routes';
import { INTEGRATIONS } from './notify/registry';
import { AlertRouter } from './router/alert-router';
import { ConfigCoordinator } from './router/config-coordinator';
import { RouterMetrics } from './router/router-metrics';
import { systemClock } from './types/clock';
import { parseDurabilityConfig } from './ha/durability-config';
import { RouterDurability } from './ha/router-durability';

export const ALERTING_DEFAULT_PORT = 9093;
export const DEFAULT_CONFIG_FILE = join(PROJECT_ROOT, 'alerting', 'config', 'default.yml');
const GC_INTERVAL_MS = 30 * 60_000;

/** AlertingOptions come from the `alerting` flags (or env for `freshtrack start`). */
export interface AlertingOptions {
  configFile?: string;
  externalUrl?: string;
  /** --web.route-prefix; defaults to the external URL's path, as Alertmanager. */
  routePrefix?: string;
  retentionMs?: number;
  /** --alerts.gc-interval: how often resolved alerts and expired state are dropped (default 30m). */
  gcIntervalMs?: number;
}

/** routePrefixFor normalises a prefix to "" or "/path" (no trailing slash). */
export function routePrefixFor(prefix: string | undefined, externalURL: string): string {
  const raw = prefix ?? new URL(externalURL).pathname;
  const trimmed = raw.replace(/\/+$/, '');
  return trimmed === '' ? '' : trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}

/** alertingOptionsFromEnv reads ALERTING_CONFIG_FILE / ALERTING_EXTERNAL_URL. */
export function alertingOptionsFromEnv(env: Record<string, string | undefined>): AlertingOptions {
  return { configFile: env.ALERTING_CONFIG_FILE || undefined, externalUrl: env.ALERTING_EXTERNAL_URL || undefined };
}

/**
 * startAlerting serves the Alertmanager-compatible router: /api/v2 (and v1's alert and receiver
 * endpoints), /-/healthy, /-/ready, /-/reload (and SIGHUP), beside the platform's /healthz,
 * /readyz and /metrics.
 */
export async function startAlerting(ctx: RoleContext, listen: ListenAddress, opts: AlertingOptions = alertingOptionsFromEnv(ctx.env)): Promise<RunningRole> {
  const logger = ctx.logger;
  const externalURL = (opts.externalUrl ?? `http://${hostname()}:${listen.port}`).replace(/\/$/, '');
  const holder: { router?: AlertRouter } = {};
  const metrics = new RouterMetrics(
    ctx.registry,
    {
      alerts: () => {
        const counts = { active: 0, suppressed: 0, unprocessed: 0 };
        const r = holder.router;
        const now = new Date();
        for (const a of r?.store.list() ?? []) if (a.endsAt > now) counts[r!.status(a.labels).state]++;
        return counts;
      },
      silences: () => {
        const counts = { active: 0, pending: 0, expired: 0 };
        const r = holder.router;
        for (const s of r?.silences.list() ?? []) counts[r!.silences.state(s)]++;
        return counts;
      },
    },
    Object.keys(INTEGRATIONS).map((k) => k.replace(/_configs$/, '')),
  );
  // Silences, alerts, the notification log, acks and escalations live in PostgreSQL (ADR 0035).
  const durability = await RouterDurability.open({
    pool: ctx.pool,
    clock: systemClock,
    logger: logger.child({ component: 'durability' }),
    registry: ctx.registry,
    config: parseDurabilityConfig(ctx.env),
    alertLogInWorker: !ctx.embeddedDatabase,
  });
  const router = new AlertRouter({
    clock: systemClock,
    logger: logger.child({ component: 'router' }),
    externalURL,
    durability,
    silenceStore: durability.silenceStore,
    retentionMs: opts.retentionMs ?? 120 * 3600_000,
    metrics,
  });
  holder.router = router;
  await durability.restoreAlerts(router.store);
  const configFile = opts.configFile ?? DEFAULT_CONFIG_FILE;
  const coordinator = new ConfigCoordinator(
    { file: configFile, webhookUrl: opts.configFile ? undefined : ctx.env.ALERTING_DEFAULT_WEBHOOK_URL },
    router,
    logger,
    metrics,
  );
  coordinator.reload();
  const startedAt = new Date();
  const prefix = routePrefixFor(opts.routePrefix, externalURL);
  const service = await startHttpService({
    name: 'alerting',
    ...listen,
    registry: ctx.registry,
    logger,
    readiness: databaseReadiness(ctx.pool),
    routes: (app) => {
      mountLifecycleRoutes(app, coordinator, prefix);
      durability.mountRoutes(app, prefix);
      app.use(`${prefix}/api/v1`, apiV1Router(router, metrics, systemClock));
      app.use(`${prefix}/api/v2`, apiV2Router(router, metrics, systemClock, startedAt));
    },
  });
  const onHup = () => {
    try {
      coordinator.reload();
    } catch {
      /* logged and counted by the coordinator; the old config keeps running */
    }
  };
  process.on('SIGHUP', onHup);
  durability.start({ notifyReceiver: (r, g) => router.notifyReceiver(r, g), put: (a) => router.put(a), alerts: () => router.store.list() });
  const gc = setInterval(() => void router.gc(), opts.gcIntervalMs ?? GC_INTERVAL_MS);
  gc.unref();
  ctx.shutdown.register('alerting router', async () => {
    process.off('SIGHUP', onHup);
    clearInterval(gc);
    router.stop();
    await durability.stop();
  });
  ctx.shutdown.register('alerting http', service.close);
  return { name: 'alerting', url: service.url, notes: [`config ${configFile}, external URL ${externalURL}`] };
}
