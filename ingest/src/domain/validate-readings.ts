import type { Reading, ReadingRejection } from './reading';
import { RFC3339, rfc3339Millis } from './rfc3339';
import { fahrenheitToCelsius } from './temperature';

/** Limits a batch is validated against (from the ingest config). */
export interface ReadingLimits {
  /** Most readings one request may carry. */
  maxBatch: number;
  /** How far ahead of the server clock a device timestamp may be. */
  maxFutureSkewSeconds: number;
  /** Readings older than the retention window would land in a dropped partition. */
  retentionDays: number;
}

/** Physical ranges: outside them the value is a sensor fault, not food-safety evidence. */
export const PHYSICAL_RANGES = {
  temperature_c: { min: -90, max: 200 },
  humidity_pct: { min: 0, max: 100 },
  battery_pct: { min: 0, max: 100 },
} as const;

export interface BatchShapeError {
  status: 400 | 413;
  field: string;
  reason: string;
}

export interface ValidatedBatch {
  /** Valid readings with their index in the request. */
  valid: { index: number; reading: Reading }[];
  rejected: ReadingRejection[];
}

/**
 * extractReadings accepts one reading object or `{"readings": [...]}` and returns the raw
 * items, or the reason the body as a whole is unusable (the request then fails entirely).
 */
export function extractReadings(body: unknown, limits: Pick<ReadingLimits, 'maxBatch'>): unknown[] | BatchShapeError {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return { status: 400, field: 'body', reason: 'must be a reading object or {"readings": [...]}' };
  }
  const obj = body as Record<string, unknown>;
  if (!('readings' in obj)) return [obj];
  if (!Array.isArray(obj.readings)) return { status: 400, field: 'readings', reason: 'must be an array' };
  if (obj.readings.length === 0) return { status: 400, field: 'readings', reason: 'must not be empty' };
  if (obj.readings.length > limits.maxBatch) {
    return { status: 413, field: 'readings', reason: `at most ${limits.maxBatch} readings per request (got ${obj.readings.length})` };
  }
  return obj.readings;
}

/** A problem found in one field: the field and why. */
type FieldProblem = { field: string; reason: string };

/** numberField: the field's value (null when absent), or the problem with it. */
function numberField(item: Record<string, unknown>, field: keyof typeof PHYSICAL_RANGES | 'temperature_f'): number | null | FieldProblem {
  const v = item[field];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'number' || !Number.isFinite(v)) return { field, reason: 'must be a finite number' };
  if (field !== 'temperature_f') {
    const range = PHYSICAL_RANGES[field];
    if (v < range.min || v > range.max) return { field, reason: `must be between ${range.min} and ${range.max}` };
  }
  return v;
}

function temperatureOf(item: Record<string, unknown>): number | FieldProblem {
  const hasC = item.temperature_c !== undefined && item.temperature_c !== null;
  const hasF = item.temperature_f !== undefined && item.temperature_f !== null;
  if (hasC && hasF) return { field: 'temperature_c', reason: 'give temperature_c or temperature_f, not both' };
  if (hasC) return numberField(item, 'temperature_c') as number | FieldProblem;
  if (!hasF) return { field: 'temperature_c', reason: 'is required (or temperature_f)' };
  const f = numberField(item, 'temperature_f');
  if (typeof f !== 'number') return f as FieldProblem;
  const c = fahrenheitToCelsius(f);
  const { min, max } = PHYSICAL_RANGES.temperature_c;
  if (c < min || c > max) return { field: 'temperature_f', reason: `must be between ${(min * 9) / 5 + 32} and ${(max * 9) / 5 + 32}` };
  return c;
}

function rejected(index: number, problem: FieldProblem): { rejection: ReadingRejection } {
  return { rejection: { index, field: problem.field, reason: problem.reason } };
}

/**
 * validateReading checks one item; it returns the normalised reading or the first problem,
 * in field order. `now` is the server's receipt time the timestamp bounds are measured from.
 * It runs for every reading of every batch, so it allocates nothing but its result.
 */
export function validateReading(
  raw: unknown,
  index: number,
  now: Date,
  limits: ReadingLimits,
): { reading: Reading } | { rejection: ReadingRejection } {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return rejected(index, { field: 'reading', reason: 'must be an object' });
  }
  const item = raw as Record<string, unknown>;

  const sensorId = item.sensor_id;
  if (typeof sensorId !== 'string' || sensorId.length < 1 || sensorId.length > 128) {
    return rejected(index, { field: 'sensor_id', reason: 'must be a string of 1 to 128 characters' });
  }

  const stamp = item.recorded_at;
  if (typeof stamp !== 'string' || !RFC3339.test(stamp)) return rejected(index, { field: 'recorded_at', reason: 'must be an RFC 3339 timestamp with a time zone' });
  const at = rfc3339Millis(stamp);
  if (Number.isNaN(at)) return rejected(index, { field: 'recorded_at', reason: 'is not a valid date' });
  if (at > now.getTime() + limits.maxFutureSkewSeconds * 1000) {
    return rejected(index, { field: 'recorded_at', reason: `is more than ${limits.maxFutureSkewSeconds} s ahead of the server clock` });
  }
  if (at < now.getTime() - limits.retentionDays * 86_400_000) return rejected(index, { field: 'recorded_at', reason: `is older than the ${limits.retentionDays}-day retention` });

  const temperatureC = temperatureOf(item);
  if (typeof temperatureC !== 'number') return rejected(index, temperatureC);
  const humidityPct = numberField(item, 'humidity_pct');
  if (humidityPct !== null && typeof humidityPct !== 'number') return rejected(index, humidityPct);
  const batteryPct = numberField(item, 'battery_pct');
  if (batteryPct !== null && typeof batteryPct !== 'number') return rejected(index, batteryPct);
  const door = item.door_open;
  if (door !== undefined && door !== null && typeof door !== 'boolean') return rejected(index, { field: 'door_open', reason: 'must be true or false' });

  return { reading: { sensorId, recordedAt: new Date(at), temperatureC, humidityPct, batteryPct, doorOpen: typeof door === 'boolean' ? door : null } };
}

/** validateReadings validates every item; one bad reading never spoils the others. */
export function validateReadings(items: unknown[], now: Date, limits: ReadingLimits): ValidatedBatch {
  const out: ValidatedBatch = { valid: [], rejected: [] };
  for (let index = 0; index < items.length; index++) {
    const r = validateReading(items[index], index, now, limits);
    if ('reading' in r) out.valid.push({ index, reading: r.reading });
    else out.rejected.push(r.rejection);
  }
  return out;
}
