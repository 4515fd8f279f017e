import type { Request, Response, Router } from 'express';
import type { AlertRouter } from '../../router/alert-router';
import type { RouterMetrics } from '../../router/router-metrics';
import { compareAlerts, labelSetBefore } from '../../types/alert-sort';
import type { StoredAlert } from '../../provider/alert-store';
import type { Clock } from '../../types/clock';
import { acceptAlerts } from '../accept-alerts';
import { ApiValidationError, decodePostableAlerts, gettableAlert } from './alert-codec';
import { listAlerts, parseAlertFilters, passes, FilterError, ParamError, type AlertFilters } from './alert-filters';
import { sendApiError, sendEmpty, sendJson } from './api-responses';
import { JsonBodyError, parseJsonLikeGo } from './go-json-parse';
import { requireJson } from './require-json';

function withFilters(res: Response, req: Request, fn: (f: AlertFilters) => void): void {
  let filters: AlertFilters;
  try {
    filters = parseAlertFilters(req);
  } catch (err) {
    if (err instanceof FilterError) return sendJson(res, 400, err.message);
    if (err instanceof ParamError) return sendApiError(res, 400, 601, err.message);
    throw err;
  }
  fn(filters);
}

/** mountAlertRoutes serves POST/GET /alerts and GET /alerts/groups. */
export function mountAlertRoutes(api: Router, router: AlertRouter, metrics: RouterMetrics | undefined, clock: Clock): void {
  api.post('/alerts', requireJson, async (req, res, next) => {
    let decoded;
    try {
      decoded = decodePostableAlerts(parseJsonLikeGo(req.body as string));
    } catch (err) {
      if (err instanceof JsonBodyError) return sendApiError(res, 400, 400, `parsing alerts body from "" failed, because ${err.message}`);
      if (err instanceof ApiValidationError) return sendApiError(res, 422, err.code, err.message);
      throw err;
    }
    let errors: string[];
    try {
      errors = await acceptAlerts(router, metrics, clock, decoded, 'v2', req.body as string);
    } catch (err) {
      return next(err);
    }
    if (errors.length) return sendJson(res, 400, errors.join('; '));
    sendEmpty(res, 200);
  });

  api.get('/alerts', (req, res) =>
    withFilters(res, req, (f) => sendJson(res, 200, listAlerts(router, f, clock.now(), (a, status, receivers) => gettableAlert(a, receivers, status)))),
  );

  api.get('/alerts/groups', (req, res) =>
    withFilters(res, req, (f) => {
      const now = clock.now();
      const groups: { receiver: string; labels: Record<string, string>; alerts: StoredAlert[] }[] = [];
      // As Alertmanager's dispatcher.Groups: an alert's receivers are those of the listed groups holding it, sorted.
      const receiversOf = new Map<string, string[]>();
      for (const g of router.groups()) {
        if (f.receiver && !f.receiver.test(g.receiver)) continue;
        const alerts = g.sortedAlerts().filter((a) => passes({ ...f, receiver: undefined }, a, router.status(a.labels), [], now));
        for (const a of alerts) receiversOf.set(a.fingerprint, [...(receiversOf.get(a.fingerprint) ?? []), g.receiver]);
        if (alerts.length) groups.push({ receiver: g.receiver, labels: g.labels, alerts });
      }
      groups.sort((a, b) => {
        const c = labelSetBefore(a.labels, b.labels);
        if (c !== 0) return c;
        return a.receiver < b.receiver ? -1 : a.receiver > b.receiver ? 1 : 0;
      });
      sendJson(
        res,
        200,
        groups.map((g) => ({
          alerts: g.alerts.sort(compareAlerts).map((a) => gettableAlert(a, [...(receiversOf.get(a.fingerprint) ?? [])].sort(), router.status(a.labels))),
          labels: Object.fromEntries(Object.keys(g.labels).sort().map((k) => [k, g.labels[k]])),
          receiver: { name: g.receiver },
        })),
      );
    }),
  );
}
