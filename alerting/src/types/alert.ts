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
}

/** isResolved: an alert is resolved once its endsAt is not after `now`. */
export function isResolved(alert: Alert, now: Date): boolean {
  return alert.endsAt.getTime() <= now.getTime();
}
