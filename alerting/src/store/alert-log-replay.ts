import { decodeV1Alerts } from '../api/v1/alert-decode';
import { decodePostableAlerts, toStoredAlert, type Postable } from '../api/v2/alert-codec';
import { parseJsonLikeGo } from '../api/v2/go-json-parse';
import { putOver, type StoredAlert } from '../provider/alert-store';
import type { LogAlert, LoggedRequest } from './alert-log-protocol';

/** decodeRequest is what the API decoded from a body: the same functions, so the log replays what was accepted. */
function decodeRequest(body: string, version: LoggedRequest['version']): Postable[] {
  const parsed = parseJsonLikeGo(body);
  return version === 'v1' ? decodeV1Alerts(parsed) : decodePostableAlerts(parsed);
}

/** requestAlerts are the valid alerts of a logged request, as acceptAlerts made them when it arrived. */
export function requestAlerts(r: LoggedRequest): StoredAlert[] {
  const now = new Date(r.receivedAt);
  const timeoutEndsAt = new Date(r.receivedAt + r.resolveTimeoutMs);
  const alerts: StoredAlert[] = [];
  for (const p of decodeRequest(r.body, r.version)) {
    const a = toStoredAlert(p, now, timeoutEndsAt);
    if (typeof a !== 'string') alerts.push(a);
  }
  return alerts;
}

/** toLogAlert: an alert in the log's compact form (also what router_alerts is upserted from). */
export const toLogAlert = (a: StoredAlert): LogAlert => ({
  f: a.fingerprint,
  l: a.labels,
  a: a.annotations,
  s: a.startsAt.getTime(),
  e: a.endsAt.getTime(),
  g: a.generatorURL,
  u: a.updatedAt.getTime(),
  t: a.timeout,
});

/** fromLogAlert reads an alert of an `alerts` row back. */
export const fromLogAlert = (a: LogAlert): StoredAlert => ({
  labels: a.l,
  annotations: a.a,
  startsAt: new Date(a.s),
  endsAt: new Date(a.e),
  generatorURL: a.g,
  updatedAt: new Date(a.u),
  fingerprint: a.f,
  timeout: a.t,
});

/**
 * A log row decoded: a request's alerts, put into the store as they arrived (merged with what
 * was stored, at the time they arrived), or alerts as the store held them.
 */
export type LoggedUpdate = { put: StoredAlert[]; at: Date } | { stored: StoredAlert[] };

/** alertsOf: the alerts a decoded row updates. */
export function alertsOf(u: LoggedUpdate): StoredAlert[] {
  return 'put' in u ? u.put : u.stored;
}

/**
 * replay applies log rows, in the order of their ids, to `state` (alerts by fingerprint) as the
 * router that wrote them applied them to its store. An `alerts` row's alert replaces what
 * `state` has unless that is newer: replicas sharing the log write their own versions of the
 * same alerts, and the newest update wins, as before requests were logged.
 */
export function replay(state: Map<string, StoredAlert>, updates: readonly LoggedUpdate[]): void {
  for (const u of updates) {
    if ('put' in u) {
      for (const a of u.put) state.set(a.fingerprint, putOver(state.get(a.fingerprint), a, u.at));
      continue;
    }
    for (const a of u.stored) {
      const old = state.get(a.fingerprint);
      if (!old || old.updatedAt <= a.updatedAt) state.set(a.fingerprint, a);
    }
  }
}
