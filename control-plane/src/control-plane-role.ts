import { Counter } from 'prom-client';
import { databaseReadiness } from '../../platform/db/readiness';
import { startHttpService } from '../../platform/http/http-service';
import type { ListenAddress } from '../../platform/config/listen-address';
import type { RoleContext, RunningRole } from '../../platform/lifecycle/role';
import { Authenticator } from './auth/authenticator';
import { createJwtVerifier } from './auth/jwt-verifier';
import { ensureSigningKey, publicJwks } from './auth/local-issuer';
import { parseControlPlaneConfig } from './config/control-plane-config';
import { applyHardening } from './http/hardening';
import { mountRoutes } from './http/mount-routes';
import { buildOpenApi } from './http/openapi';
import { CONTROL_PLANE_ROUTES } from './routes/route-table';
import type { ControlPlaneServices } from './services/control-plane-services';
import { startOutboxRelay } from './services/outbox-relay';
import { startRetentionSchedule } from './services/retention-scheduler';
import { RouterClient } from './services/router-client';

export const CONTROL_PLANE_DEFAULT_PORT = 8080;

/** Ops and discovery endpoints documented beside the route table. */
const EXTRA_PATHS = {
  '/.well-known/jwks.json': { get: { summary: 'Public keys of the local development issuer (404 with an external issuer)', tags: ['auth'], security: [], responses: { '200': { description: 'JWKS' }, '404': { description: 'external issuer configured' } } } },
  '/openapi.json': { get: { summary: 'This document', tags: ['meta'], security: [], responses: { '200': { description: 'OpenAPI 3 document' } } } },
  '/healthz': { get: { summary: 'Liveness', tags: ['ops'], security: [], responses: { '200': { description: 'alive' } } } },
  '/readyz': { get: { summary: 'Readiness (database reachable, migrations applied)', tags: ['ops'], security: [], responses: { '200': { description: 'ready' }, '503': { description: 'not ready' } } } },
  '/metrics': { get: { summary: 'Prometheus metrics', tags: ['ops'], security: [], responses: { '200': { description: 'exposition format' } } } },
};

/**
 * startControlPlane serves the authenticated API, the /audit pages and, without an external
 * identity provider, the local development issuer's JWKS.
 */
export async function startControlPlane(ctx: RoleContext, listen: ListenAddress): Promise<RunningRole> {
  const config = parseControlPlaneConfig(ctx.env);
  const local = !config.jwksUrl;
  if (local) await ensureSigningKey(ctx.pool);
  const router = new RouterClient(config.alertmanagerUrl);
  const services: ControlPlaneServices = {
    pool: ctx.pool,
    config,
    logger: ctx.logger,
    authenticator: new Authenticator(createJwtVerifier(config, ctx.pool), config.claims, ctx.pool),
    router,
    authFailures: new Counter({
      name: 'control_plane_auth_failures_total',
      help: 'Requests refused by authentication (401) or authorization (403), by route pattern',
      labelNames: ['status', 'route'],
      registers: [ctx.registry],
    }),
    localJwks: local ? () => publicJwks(ctx.pool) : undefined,
  };
  const openapi = buildOpenApi(CONTROL_PLANE_ROUTES, EXTRA_PATHS, '1.0.0');
  const service = await startHttpService({
    name: 'control-plane',
    ...listen,
    registry: ctx.registry,
    logger: ctx.logger,
    readiness: databaseReadiness(ctx.pool),
    routes: (app) => {
      app.get('/openapi.json', (_req, res) => void res.json(openapi));
      app.get('/.well-known/jwks.json', (_req, res, next) => {
        if (!services.localJwks) return void res.status(404).json({ error: 'an external identity provider is configured (CONTROL_PLANE_JWKS_URL)' });
        services.localJwks().then((jwks) => res.set('Cache-Control', 'public, max-age=300').json(jwks), next);
      });
      applyHardening(app, config);
      mountRoutes(app, CONTROL_PLANE_ROUTES, services);
    },
  });
  ctx.shutdown.register('control-plane http', service.close);
  if (config.outboxRelay && router.configured) {
    ctx.shutdown.register('control-plane outbox relay', startOutboxRelay(ctx.pool, router, ctx.logger, ctx.registry));
  }
  if (config.retentionSchedule) {
    ctx.shutdown.register('control-plane retention schedule', startRetentionSchedule(ctx.pool, config.retentionSchedule, config.retentionDefaultDays, ctx.logger));
  }
  const notes = [`${service.url}/openapi.json   ${service.url}/audit`];
  if (local) notes.push(`local development issuer: mint a token with 'freshtrack token --org ORG --role admin'`);
  return { name: 'control-plane', url: service.url, notes };
}
