import type { StoredAlert } from '../provider/alert-store';
import type { AlertRouter } from '../router/alert-router';
import type { RouterMetrics } from '../router/router-metrics';
import type { Clock } from '../types/clock';
import { toStoredAlert, type Postable } from './v2/alert-codec';

/**
 * acceptAlerts is what both API versions do with decoded alerts, as Alertmanager's
 * insertAlerts: apply the defaults, count them by API version, put the valid ones into the
 * router and wait until they are committed (throws if that failed). Returns the validation
 * errors of the invalid ones, which were left out. `body` is what `decoded` was decoded from:
 * the alert log keeps it (decoding it again gives the same alerts).
 */
export async function acceptAlerts(router: AlertRouter, metrics: RouterMetrics | undefined, clock: Clock, decoded: Postable[], version: 'v1' | 'v2', body: string): Promise<string[]> {
  const now = clock.now();
  // One Date for every defaulted endsAt of the request: times are never mutated.
  const timeoutEndsAt = new Date(now.getTime() + router.config.global.resolveTimeoutMs);
  const errors: string[] = [];
  const valid: StoredAlert[] = [];
  // Alertmanager counts every posted alert as received, firing or resolved by its (defaulted)
  // endsAt, before it validates them; the invalid ones are counted again as invalid.
  let firing = 0;
  for (const p of decoded) {
    if ((p.endsAt ?? timeoutEndsAt) > now) firing++;
    const a = toStoredAlert(p, now, timeoutEndsAt);
    if (typeof a === 'string') {
      errors.push(a);
      metrics?.alertsInvalid.inc({ version });
    } else valid.push(a);
  }
  if (firing) metrics?.alertsReceived.inc({ status: 'firing', version }, firing);
  if (decoded.length > firing) metrics?.alertsReceived.inc({ status: 'resolved', version }, decoded.length - firing);
  router.put(valid, { body, version, receivedAt: now.getTime(), resolveTimeoutMs: router.config.global.resolveTimeoutMs });
  await router.committed();
  return errors;
}
