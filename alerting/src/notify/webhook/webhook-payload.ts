import { isResolved, sortedLabelSet, type Alert, type LabelSet } from '../../types/alert';
import { formatGoTime } from '../../types/go-time';
import type { NotifyContext } from '../notifier';
import { goJson } from '../../types/go-json';

/** ZERO_TIME is Go's zero time.Time, which Alertmanager sends as a firing alert's endsAt. */
const ZERO_TIME = '0001-01-01T00:00:00Z';

/** commonPairs keeps the pairs identical in every set (Alertmanager's commonLabels). */
export function commonPairs(sets: LabelSet[]): LabelSet {
  if (sets.length === 0) return {};
  const out: LabelSet = {};
  for (const [k, v] of Object.entries(sets[0])) if (sets.every((s) => s[k] === v)) out[k] = v;
  return sortedLabelSet(out);
}

/**
 * webhookPayload builds the version "4" body with Alertmanager's exact field order. The
 * alerts arrive already sorted by the dispatcher; `maxAlerts` keeps the first N.
 */
export function webhookPayload(ctx: NotifyContext, alerts: Alert[], maxAlerts: number): string {
  const kept = maxAlerts > 0 ? alerts.slice(0, maxAlerts) : alerts;
  const resolvedFlags = kept.map((a) => isResolved(a, ctx.now));
  const body = {
    receiver: ctx.receiver,
    status: resolvedFlags.every(Boolean) ? 'resolved' : 'firing',
    alerts: kept.map((a, i) => ({
      status: resolvedFlags[i] ? 'resolved' : 'firing',
      labels: sortedLabelSet(a.labels),
      annotations: sortedLabelSet(a.annotations),
      startsAt: formatGoTime(a.startsAt, a.posted?.startsAt),
      endsAt: resolvedFlags[i] ? formatGoTime(a.endsAt, a.posted?.endsAt) : ZERO_TIME,
      generatorURL: a.generatorURL,
      fingerprint: a.fingerprint,
    })),
    groupLabels: sortedLabelSet(ctx.groupLabels),
    commonLabels: commonPairs(kept.map((a) => a.labels)),
    commonAnnotations: commonPairs(kept.map((a) => a.annotations)),
    externalURL: ctx.externalURL,
    version: '4',
    groupKey: ctx.groupKey,
    truncatedAlerts: alerts.length - kept.length,
  };
  // Alertmanager writes the body with json.Encoder, which appends a newline.
  return `${goJson(body)}\n`;
}
