import { Router } from 'express';
import type { AlertRouter } from '../../router/alert-router';
import type { RouterMetrics } from '../../router/router-metrics';
import type { Clock } from '../../types/clock';
import { mountAlertRoutes } from './alerts-routes';
import { sendApiError, sendJson } from './api-responses';
import { mountSilenceRoutes } from './silences-routes';

export const VERSION_INFO = {
  branch: 'HEAD',
  buildDate: '20261125-00:00:00',
  buildUser: 'freshtrack',
  goVersion: 'go1.19.8',
  revision: 'freshtrack',
  version: '0.25.0',
};

const ALLOWED: [RegExp, string[]][] = [
  [/^\/alerts$/, ['GET', 'POST']],
  [/^\/alerts\/groups$/, ['GET']],
  [/^\/silences$/, ['GET', 'POST']],
  [/^\/silence\/[^/]+$/, ['DELETE', 'GET']],
  [/^\/receivers$/, ['GET']],
  [/^\/status$/, ['GET']],
];

/** apiV2Router serves Alertmanager's /api/v2 with its JSON shapes and error bodies. */
export function apiV2Router(router: AlertRouter, metrics: RouterMetrics | undefined, clock: Clock, startedAt: Date): Router {
  const api = Router();
  mountAlertRoutes(api, router, metrics, clock);
  mountSilenceRoutes(api, router, clock);
  api.get('/receivers', (_req, res) => sendJson(res, 200, router.config.receivers.map((r) => ({ name: r.name }))));
  api.get('/status', (_req, res) =>
    sendJson(res, 200, {
      cluster: { peers: [], status: 'disabled' },
      config: { original: router.config.original },
      uptime: startedAt.toISOString(),
      versionInfo: VERSION_INFO,
    }),
  );
  api.use((req, res) => {
    const allowed = ALLOWED.find(([re]) => re.test(req.path));
    if (allowed) return sendApiError(res, 405, 405, `method ${req.method} is not allowed, but [${allowed[1].join(',')}] are`);
    sendApiError(res, 404, 404, `path ${req.baseUrl}${req.path} was not found`);
  });
  return api;
}
