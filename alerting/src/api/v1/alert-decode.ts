/**
 * The body of Alertmanager 0.25's `POST /api/v1/alerts`, decoded as Go's encoding/json decodes
 * it into []*types.Alert: field names match case-insensitively (the last one wins), label
 * names are checked while decoding (model.LabelSet), times are RFC 3339 only (time.Time), and
 * the error that wins is the one Go would return.
 */
import { goTypeName, isGoZeroTime, JsonBodyError, parseGoTimeToken } from '../v2/go-json-parse';
import type { GoTime } from '../v2/go-time';
import { formOf, type Postable } from '../v2/alert-codec';
import { isValidLabelName } from '../../types/alert';
import { UTC_MS } from '../../types/go-time';

/** FIELDS maps a lower-cased JSON key to the model.Alert field it sets. */
const FIELDS = new Map<string, 'labels' | 'annotations' | 'startsAt' | 'endsAt' | 'generatorURL'>([
  ['labels', 'labels'],
  ['annotations', 'annotations'],
  ['startsat', 'startsAt'],
  ['endsat', 'endsAt'],
  ['generatorurl', 'generatorURL'],
]);

/** rawToken approximates the JSON text Go hands a field's UnmarshalJSON. */
const rawToken = (v: unknown) => (typeof v === 'string' || (typeof v === 'object' && v !== null) ? JSON.stringify(v) : String(v));

/** labelSet decodes a model.LabelSet; a wrong type or name aborts decoding, as its UnmarshalJSON does. */
function labelSet(v: unknown, field: 'labels' | 'annotations'): Record<string, string> {
  if (v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) {
    throw new JsonBodyError(`json: cannot unmarshal ${goTypeName(v)} into Go struct field Alert.${field} of type map[model.LabelName]model.LabelValue`);
  }
  const m = v as Record<string, unknown>;
  const out: Record<string, string> = {};
  for (const k in m) {
    const value = m[k];
    if (value !== null && typeof value !== 'string') throw new JsonBodyError(`json: cannot unmarshal ${goTypeName(value)} into Go struct field Alert.${field} of type model.LabelValue`);
    out[k] = value ?? '';
  }
  for (const k in out) if (!isValidLabelName(k)) throw new JsonBodyError(`${JSON.stringify(k)} is not a valid label name`);
  return out;
}

function time(v: unknown): GoTime | undefined {
  const t = parseGoTimeToken(rawToken(v));
  return isGoZeroTime(t) ? undefined : t;
}

/**
 * decodeV1Alerts type-checks a parsed body. Errors Go's decoder aborts on (label sets, times)
 * are thrown at once; type mismatches it only records (an item that is not an object, a
 * generatorURL that is not a string) are thrown after the whole body, the first one.
 */
export function decodeV1Alerts(body: unknown): Postable[] {
  if (body === null) return [];
  if (!Array.isArray(body)) throw new JsonBodyError(`json: cannot unmarshal ${goTypeName(body)} into Go value of type []*types.Alert`);
  let recorded: JsonBodyError | undefined;
  const decoded = body.map((item): Postable => {
    const p: Postable = { labels: {}, annotations: {}, startsAtForm: UTC_MS, endsAtForm: UTC_MS, generatorURL: '' };
    if (item === null) return p;
    if (typeof item !== 'object' || Array.isArray(item)) {
      recorded ??= new JsonBodyError(`json: cannot unmarshal ${goTypeName(item)} into Go value of type types.Alert`);
      return p;
    }
    const o = item as Record<string, unknown>;
    for (const key in o) {
      const field = FIELDS.get(key.toLowerCase());
      const v = o[key];
      if (field === 'labels' || field === 'annotations') p[field] = labelSet(v, field);
      else if (field === 'startsAt' || field === 'endsAt') {
        const t = time(v);
        p[field] = t && new Date(t.ms);
        p[`${field}Form`] = formOf(t);
      } else if (field === 'generatorURL') {
        if (v !== null && typeof v !== 'string') recorded ??= new JsonBodyError(`json: cannot unmarshal ${goTypeName(v)} into Go struct field Alert.generatorURL of type string`);
        else p.generatorURL = v ?? '';
      }
    }
    return p;
  });
  if (recorded) throw recorded;
  return decoded;
}
