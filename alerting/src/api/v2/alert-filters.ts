import type { Request } from 'express';
import { matchesAll, type Matcher } from '../../matcher/matcher';
import { compileGoRegex } from '../../matcher/go-regex';
import type { StoredAlert } from '../../provider/alert-store';
import type { AlertRouter, AlertStatus } from '../../router/alert-router';
import { parseMatchers, MatcherParseError } from '../../matcher/parse-matchers';

/** AlertFilters are the query parameters of GET /api/v2/alerts and /alerts/groups (and v1's /alerts). */
export interface AlertFilters {
  matchers: Matcher[];
  receiver?: RegExp;
  active: boolean;
  silenced: boolean;
  inhibited: boolean;
  unprocessed: boolean;
}

/**
 * listAlerts renders the router's alerts that pass `f` now, in fingerprint order: GET /alerts of
 * both API versions, each with its own rendering.
 */
export function listAlerts<T>(router: AlertRouter, f: AlertFilters, now: Date, render: (a: StoredAlert, status: AlertStatus, receivers: string[]) => T): T[] {
  const listed: { fingerprint: string; rendered: T }[] = [];
  for (const a of router.store.list()) {
    const receivers = router.receivers(a.labels);
    const status = router.status(a.labels);
    if (passes(f, a, status, receivers, now)) listed.push({ fingerprint: a.fingerprint, rendered: render(a, status, receivers) });
  }
  listed.sort((x, y) => (x.fingerprint < y.fingerprint ? -1 : 1));
  return listed.map((l) => l.rendered);
}

/** passes: whether an alert, with its status and receivers now, is one the filters list (both API versions). */
export function passes(f: AlertFilters, a: StoredAlert, status: AlertStatus, receivers: string[], now: Date): boolean {
  if (a.endsAt < now) return false;
  if (f.receiver && !receivers.some((r) => f.receiver!.test(r))) return false;
  if (!f.active && status.state === 'active') return false;
  if (!f.unprocessed && status.state === 'unprocessed') return false;
  if (!f.silenced && status.silencedBy.length) return false;
  if (!f.inhibited && status.inhibitedBy.length) return false;
  return matchesAll(f.matchers, a.labels);
}

/** FilterError is a bad query parameter, answered 400 with a JSON string. */
export class FilterError extends Error {}

/** ParamError is a malformed typed query parameter (go-openapi 400 {code,message}). */
export class ParamError extends Error {}

function bool(req: Request, name: string): boolean {
  const v = req.query[name];
  if (v === undefined) return true;
  const s = Array.isArray(v) ? String(v[0]) : String(v);
  if (s === 'true' || s === '1') return true;
  if (s === 'false' || s === '0') return false;
  throw new ParamError(`${name} in query must be of type boolean: ${JSON.stringify(s)}`);
}

/** parseAlertFilters reads filter (repeatable), receiver (anchored regex) and the state flags. */
export function parseAlertFilters(req: Request): AlertFilters {
  const raw = req.query.filter;
  const list = raw === undefined ? [] : (Array.isArray(raw) ? raw : [raw]).map(String);
  const matchers: Matcher[] = [];
  for (const f of list) {
    try {
      matchers.push(...parseMatchers(f));
    } catch (err) {
      if (err instanceof MatcherParseError) throw new FilterError(err.message);
      throw err;
    }
  }
  let receiver: RegExp | undefined;
  if (req.query.receiver !== undefined) {
    const r = String(Array.isArray(req.query.receiver) ? req.query.receiver[0] : req.query.receiver);
    try {
      receiver = compileGoRegex(`^(?:${r})$`, r);
    } catch (err) {
      throw new FilterError(`failed to parse receiver param: ${(err as Error).message}`);
    }
  }
  return { matchers, receiver, active: bool(req, 'active'), silenced: bool(req, 'silenced'), inhibited: bool(req, 'inhibited'), unprocessed: bool(req, 'unprocessed') };
}
