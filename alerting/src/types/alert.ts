import type { TimeForm } from './go-time';

/** LabelSet is an alert's labels or annotations: name → value. */
export type LabelSet = Record<string, string>;

/**
 * Alert is the router's stored alert, as Alertmanager's types.Alert: times are real Dates,
 * `endsAt` is always set (receipt + resolve_timeout when the sender gave none) and
 * `fingerprint` is the FNV-1a hash of the labels (see alertmanager.md).
 */
export interface Alert {
  labels: LabelSet;
  annotations: LabelSet;
  startsAt: Date;
  endsAt: Date;
  generatorURL: string;
  updatedAt: Date;
  fingerprint: string;
  /**
   * How startsAt and endsAt were posted, when either was not plain UTC milliseconds: printed
   * back as Alertmanager does. Not persisted: a restarted router prints the same instants in UTC.
   */
  posted?: { startsAt: TimeForm; endsAt: TimeForm };
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** isValidLabelName is Prometheus' model.LabelName.IsValid (the rule Alertmanager 0.25 applies). */
export const isValidLabelName = (name: string): boolean => LABEL_NAME.test(name);

/** sortedLabelSet copies a label set with its names in order, as Go marshals a map. */
export function sortedLabelSet(m: LabelSet): LabelSet {
  const out: LabelSet = {};
  for (const key of Object.keys(m).sort()) out[key] = m[key];
  return out;
}

/** isResolved: an alert is resolved once its endsAt is not after `now`. */
export function isResolved(alert: Alert, now: Date): boolean {
  return alert.endsAt.getTime() <= now.getTime();
}
