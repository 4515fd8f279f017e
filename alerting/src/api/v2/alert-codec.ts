import type { AlertStatus } from '../../router/alert-router';
import type { StoredAlert } from '../../provider/alert-store';
import { isValidLabelName, sortedLabelSet } from '../../types/alert';
import { fingerprint } from '../../types/fingerprint';
import { formatApiTime, isUtcMs, UTC_MS, type TimeForm } from '../../types/go-time';
import { goTypeName, isGoZeroTime, JsonBodyError, parseGoTime } from './go-json-parse';
import type { GoTime } from './go-time';

/** ApiValidationError is a go-openapi schema violation (422 with its code). */
export class ApiValidationError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/** A posted alert after JSON type checks (either API version), before Alertmanager's semantic validation. */
export interface Postable {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt?: Date;
  endsAt?: Date;
  /** How the times were written (offset, nanoseconds). */
  startsAtForm: TimeForm;
  endsAtForm: TimeForm;
  generatorURL: string;
}

function stringMap(v: unknown, field: string, struct: string): Record<string, string> {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw new JsonBodyError(`json: cannot unmarshal ${goTypeName(v)} into Go struct field ${struct}.${field} of type models.LabelSet`);
  // The parsed body is ours: check the values in place instead of copying (per alert, per request).
  const m = v as Record<string, unknown>;
  for (const k in m) if (typeof m[k] !== 'string') throw new JsonBodyError(`json: cannot unmarshal ${goTypeName(m[k])} into Go struct field ${struct}.${field} of type string`);
  return m as Record<string, string>;
}

/** time decodes one of an alert's times; Go's zero time (what Go clients send for "unset") is absent. */
function time(v: unknown, field: string): GoTime | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new JsonBodyError(`json: cannot unmarshal ${goTypeName(v)} into Go struct field PostableAlert.${field} of type string`);
  const t = parseGoTime(v);
  return isGoZeroTime(t) ? undefined : t;
}

/** formOf keeps how a time was written, sharing one object for the usual UTC milliseconds. */
export const formOf = (t: GoTime | undefined): TimeForm => (!t || isUtcMs(t) ? UTC_MS : { offsetMinutes: t.offsetMinutes, subMsNanos: t.subMsNanos });

const isUri = (s: string) => /^[a-zA-Z][a-zA-Z0-9+.-]*:\S*$/.test(s) || /^\/\S*$/.test(s);

/** decodePostableAlerts type-checks the body as go-openapi's PostableAlerts (then schema rules). */
export function decodePostableAlerts(body: unknown): Postable[] {
  if (body === null) return [];
  if (!Array.isArray(body)) throw new JsonBodyError(`json: cannot unmarshal ${goTypeName(body)} into Go value of type models.PostableAlerts`);
  const decoded = body.map((item) => {
    if (item === null) return null;
    if (typeof item !== 'object' || Array.isArray(item)) throw new JsonBodyError(`json: cannot unmarshal ${goTypeName(item)} into Go value of type models.PostableAlert`);
    const o = item as Record<string, unknown>;
    if (o.generatorURL !== undefined && o.generatorURL !== null && typeof o.generatorURL !== 'string')
      throw new JsonBodyError(`json: cannot unmarshal ${goTypeName(o.generatorURL)} into Go struct field Alert.generatorURL of type strfmt.URI`);
    const labels = stringMap(o.labels, 'labels', 'Alert');
    const annotations = stringMap(o.annotations, 'annotations', 'PostableAlert');
    const startsAt = time(o.startsAt, 'startsAt');
    const endsAt = time(o.endsAt, 'endsAt');
    return {
      hasLabels: o.labels !== undefined && o.labels !== null,
      labels,
      annotations,
      startsAt: startsAt && new Date(startsAt.ms),
      endsAt: endsAt && new Date(endsAt.ms),
      startsAtForm: formOf(startsAt),
      endsAtForm: formOf(endsAt),
      generatorURL: (o.generatorURL as string | undefined) ?? '',
    };
  });
  decoded.forEach((a, i) => {
    if (!a || !a.hasLabels) throw new ApiValidationError(602, `${i}.labels in body is required`);
    if (a.generatorURL && !isUri(a.generatorURL)) throw new ApiValidationError(601, `${i}.generatorURL in body must be of type uri: ${JSON.stringify(a.generatorURL)}`);
  });
  return decoded as Postable[];
}

/** invalidName is a name in `m` that is not a valid label name: the first in sorted order if `sorted`, else in `m`'s order. */
function invalidName(m: Record<string, string>, sorted: boolean): string | undefined {
  for (const k in m) if (!isValidLabelName(k)) return sorted ? Object.keys(m).sort().find((n) => !isValidLabelName(n)) : k;
  return undefined;
}

function withoutEmptyValues(m: Record<string, string>): Record<string, string> {
  for (const k in m) if (m[k] === '') return Object.fromEntries(Object.entries(m).filter(([, v]) => v !== ''));
  return m;
}

function isEmpty(m: Record<string, string>): boolean {
  for (const k in m) if (Object.hasOwn(m, k)) return false;
  return true;
}

/**
 * toStoredAlert applies Alertmanager's defaults (startsAt = now or endsAt; endsAt =
 * `timeoutEndsAt`, now + resolve_timeout, flagged as a timeout), drops empty label values and
 * validates. Returns the alert or the validation message.
 */
export function toStoredAlert(p: Postable, now: Date, timeoutEndsAt: Date): StoredAlert | string {
  const labels = withoutEmptyValues(p.labels);
  const startsAt = p.startsAt ?? p.endsAt ?? now;
  const timeout = !p.endsAt;
  const endsAt = p.endsAt ?? timeoutEndsAt;
  if (endsAt < startsAt) return 'start time must be before end time';
  const badLabel = invalidName(labels, true);
  if (badLabel !== undefined) return `invalid label set: invalid name ${JSON.stringify(badLabel)}`;
  if (isEmpty(labels)) return 'at least one label pair required';
  const badAnnotation = invalidName(p.annotations, false);
  if (badAnnotation !== undefined) return `invalid annotations: invalid name ${JSON.stringify(badAnnotation)}`;
  const alert: StoredAlert = { labels, annotations: p.annotations, startsAt, endsAt, generatorURL: p.generatorURL, updatedAt: now, fingerprint: fingerprint(labels), timeout };
  // A defaulted startsAt is endsAt's time (as written) or now (UTC); a defaulted endsAt is UTC.
  const startsAtForm = p.startsAt ? p.startsAtForm : p.endsAt ? p.endsAtForm : UTC_MS;
  const endsAtForm = p.endsAt ? p.endsAtForm : UTC_MS;
  if (!isUtcMs(startsAtForm) || !isUtcMs(endsAtForm)) alert.posted = { startsAt: startsAtForm, endsAt: endsAtForm };
  return alert;
}

/** gettableAlert renders an alert with v2's field order. */
export function gettableAlert(a: StoredAlert, receivers: string[], status: AlertStatus): Record<string, unknown> {
  const out: Record<string, unknown> = {
    annotations: sortedLabelSet(a.annotations),
    endsAt: formatApiTime(a.endsAt, a.posted?.endsAt.offsetMinutes),
    fingerprint: a.fingerprint,
    receivers: receivers.map((name) => ({ name })),
    startsAt: formatApiTime(a.startsAt, a.posted?.startsAt.offsetMinutes),
    status: { inhibitedBy: status.inhibitedBy, silencedBy: status.silencedBy, state: status.state },
    updatedAt: formatApiTime(a.updatedAt),
  };
  if (a.generatorURL) out.generatorURL = a.generatorURL;
  out.labels = sortedLabelSet(a.labels);
  return out;
}
