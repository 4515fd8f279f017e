import type { Reading, ReadingRejection } from './reading';
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

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;

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

function numberField(
  item: Record<string, unknown>,
  field: keyof typeof PHYSICAL_RANGES | 'temperature_f',
  reject: (field: string, reason: string) => void,
): number | null | undefined {
  const v = item[field];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    reject(field, 'must be a finite number');
    return undefined;
  }
  if (field !== 'temperature_f') {
    const range = PHYSICAL_RANGES[field];
    if (v < range.min || v > range.max) {
      reject(field, `must be between ${range.min} and ${range.max}`);
      return undefined;
    }
  }
  return v;
}

/**
 * validateReading checks one item; it returns the normalised reading or the first problem.
 * `now` is the server's receipt time the timestamp bounds are measured from.
 */
export function validateReading(
  raw: unknown,
  index: number,
  now: Date,
  limits: ReadingLimits,
): { reading: Reading } | { rejection: ReadingRejection } {
  let rejection: ReadingRejection | undefined;
  const reject = (field: string, reason: string) => {
    rejection ??= { index, field, reason };
  };
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return { rejection: { index, field: 'reading', reason: 'must be an object' } };
  }
  const item = raw as Record<string, unknown>;

  const sensorId = item.sensor_id;
  if (typeof sensorId !== 'string' || sensorId.length < 1 || sensorId.length > 128) {
    reject('sensor_id', 'must be a string of 1 to 128 characters');
  }

  let recordedAt: Date | undefined;
  if (typeof item.recorded_at !== 'string' || !RFC3339.test(item.recorded_at)) {
    reject('recorded_at', 'must be an RFC 3339 timestamp with a time zone');
  } else {
    recordedAt = new Date(item.recorded_at);
    if (Number.isNaN(recordedAt.getTime())) reject('recorded_at', 'is not a valid date');
    else if (recordedAt.getTime() > now.getTime() + limits.maxFutureSkewSeconds * 1000) {
      reject('recorded_at', `is more than ${limits.maxFutureSkewSeconds} s ahead of the server clock`);
    } else if (recordedAt.getTime() < now.getTime() - limits.retentionDays * 86_400_000) {
      reject('recorded_at', `is older than the ${limits.retentionDays}-day retention`);
    }
  }

  let temperatureC: number | null | undefined;
  const hasC = item.temperature_c !== undefined && item.temperature_c !== null;
  const hasF = item.temperature_f !== undefined && item.temperature_f !== null;
  if (hasC && hasF) reject('temperature_c', 'give temperature_c or temperature_f, not both');
  else if (hasF) {
    const f = numberField(item, 'temperature_f', reject);
    if (typeof f === 'number') {
      temperatureC = fahrenheitToCelsius(f);
      const { min, max } = PHYSICAL_RANGES.temperature_c;
      if (temperatureC < min || temperatureC > max) {
        reject('temperature_f', `must be between ${(min * 9) / 5 + 32} and ${(max * 9) / 5 + 32}`);
      }
    }
  } else if (hasC) temperatureC = numberField(item, 'temperature_c', reject);
  else reject('temperature_c', 'is required (or temperature_f)');

  const humidityPct = numberField(item, 'humidity_pct', reject);
  const batteryPct = numberField(item, 'battery_pct', reject);
  const door = item.door_open;
  if (door !== undefined && door !== null && typeof door !== 'boolean') reject('door_open', 'must be true or false');

  if (rejection) return { rejection };
  return {
    reading: {
      sensorId: sensorId as string,
      recordedAt: recordedAt as Date,
      temperatureC: temperatureC as number,
      humidityPct: humidityPct ?? null,
      batteryPct: batteryPct ?? null,
      doorOpen: typeof door === 'boolean' ? door : null,
    },
  };
}

/** validateReadings validates every item; one bad reading never spoils the others. */
export function validateReadings(items: unknown[], now: Date, limits: ReadingLimits): ValidatedBatch {
  const out: ValidatedBatch = { valid: [], rejected: [] };
  items.forEach((raw, index) => {
    const r = validateReading(raw, index, now, limits);
    if ('reading' in r) out.valid.push({ index, reading: r.reading });
    else out.rejected.push(r.rejection);
  });
  return out;
}
