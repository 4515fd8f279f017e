import { Router, type Request, type Response } from 'express';
import type { Matcher } from '../../matcher/matcher';
import { compileGoRegex } from '../../matcher/go-regex';
import { MatcherParseError, parseMatchers } from '../../matcher/parse-matchers';
import type { StoredAlert } from '../../provider/alert-store';
import type { AlertRouter, AlertStatus } from '../../router/alert-router';
import type { RouterMetrics } from '../../router/router-metrics';
import { sortedLabelSet } from '../../types/alert';
import type { Clock } from '../../types/clock';
import { formatGoTime } from '../../types/go-time';
import { goJson } from '../../types/go-json';
import { acceptAlerts } from '../accept-alerts';
import { listAlerts, type AlertFilters } from '../v2/alert-filters';
import { JsonBodyError, parseJsonLikeGo } from '../v2/go-json-parse';
import { readTextBody } from '../v2/require-json';
import { decodeV1Alerts } from './alert-decode';

/** v1's envelope, written as Go's json.Marshal writes it (no trailing newline). */
function success(res: Response, data?: unknown): void {
  res.status(200).setHeader('Content-Type', 'application/json');
  res.end(goJson(data === undefined ? { status: 'success' } : { status: 'success', data }));
}

function badData(res: Response, error: string): void {
  res.status(400).setHeader('Content-Type', 'application/json');
  res.end(goJson({ status: 'error', errorType: 'bad_data', error }));
}

/** Alertmanager's marker holds no list (nil, JSON null) where an alert's silences or inhibitors are none. */
const goList = (ids: string[]) => (ids.length ? ids : null);

/**
 * v1Alert renders an alert as v1's APIAlert: model.Alert's fields (times as Go prints a
 * time.Time), then status, receivers and fingerprint.
 */
function v1Alert(a: StoredAlert, status: AlertStatus, receivers: string[]): Record<string, unknown> {
  return {
    labels: sortedLabelSet(a.labels),
    annotations: Object.keys(a.annotations).length ? sortedLabelSet(a.annotations) : null,
    startsAt: formatGoTime(a.startsAt, a.posted?.startsAt),
    endsAt: formatGoTime(a.endsAt, a.posted?.endsAt),
    generatorURL: a.generatorURL,
    status: { state: status.state, silencedBy: goList(status.silencedBy), inhibitedBy: goList(status.inhibitedBy) },
    receivers,
    fingerprint: a.fingerprint,
  };
}

/** v1Filters reads listAlerts' parameters in the order Alertmanager checks them; a string is the error to answer. */
function v1Filters(req: Request): AlertFilters | string {
  const param = (name: string) => {
    const v = req.query[name];
    return v === undefined ? '' : String(Array.isArray(v) ? v[0] : v);
  };
  const flags = { active: true, silenced: true, inhibited: true, unprocessed: true };
  for (const name of ['active', 'silenced', 'inhibited', 'unprocessed'] as const) {
    const v = param(name);
    if (v === '' || v === 'true') continue;
    if (v !== 'false') return `parameter ${JSON.stringify(name)} can either be 'true' or 'false', not ${JSON.stringify(v)}`;
    flags[name] = false;
  }
  let matchers: Matcher[] = [];
  const filter = param('filter');
  if (filter) {
    try {
      matchers = parseMatchers(filter);
    } catch (err) {
      if (!(err instanceof MatcherParseError)) throw err;
      return `bad matcher format: ${filter.replace(/^\{/, '').replace(/\}$/, '')}`;
    }
  }
  const receiverParam = param('receiver');
  let receiver: RegExp | undefined;
  if (receiverParam) {
    try {
      receiver = compileGoRegex(`^(?:${receiverParam})$`, receiverParam);
    } catch {
      return `failed to parse receiver param: ${receiverParam}`;
    }
  }
  return { ...flags, matchers, receiver };
}

/** methodNotAllowed answers as Go's router does for a known path and another method. */
const methodNotAllowed = (allow: string) => (_req: Request, res: Response) =>
  void res.status(405).set('Allow', allow).type('text/plain; charset=utf-8').send('Method Not Allowed\n');

/**
 * apiV1Router serves the part of Alertmanager 0.25's deprecated API v1 that senders and old
 * dashboards use: POST and GET /alerts (Prometheus before 2.26 and Loki's ruler post there by
 * default) and GET /receivers. Silences and status are served by v2 only.
 */
export function apiV1Router(router: AlertRouter, metrics: RouterMetrics | undefined, clock: Clock): Router {
  const api = Router();
  // v1 reads any body as JSON, whatever its Content-Type.
  api.post('/alerts', readTextBody, async (req, res, next) => {
    let errors: string[];
    try {
      errors = await acceptAlerts(router, metrics, clock, decodeV1Alerts(parseJsonLikeGo(req.body as string)), 'v1', req.body as string);
    } catch (err) {
      if (err instanceof JsonBodyError) return badData(res, err.message);
      return next(err);
    }
    if (errors.length) return badData(res, errors.join('; '));
    success(res);
  });
  api.get('/alerts', (req, res) => {
    const f = v1Filters(req);
    if (typeof f === 'string') return badData(res, f);
    success(res, listAlerts(router, f, clock.now(), v1Alert));
  });
  api.all('/alerts', methodNotAllowed('GET, OPTIONS, POST'));
  api.get('/receivers', (_req, res) => success(res, router.config.receivers.map((r) => r.name)));
  api.all('/receivers', methodNotAllowed('GET, OPTIONS'));
  api.use((_req, res) => void res.status(404).type('text/plain; charset=utf-8').send('404 page not found\n'));
  return api;
}
