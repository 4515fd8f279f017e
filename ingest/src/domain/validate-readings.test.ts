import { extractReadings, validateReadings, type ReadingLimits } from './validate-readings';

const now = new Date('2026-06-01T12:00:00Z');
const limits: ReadingLimits = { maxBatch: 3, maxFutureSkewSeconds: 300, retentionDays: 730 };
const ok = { sensor_id: 'S1', recorded_at: '2026-06-01T11:59:00Z', temperature_c: 4.2 };

describe('extractReadings', () => {
  it('accepts one reading or a batch', () => {
    expect(extractReadings(ok, limits)).toEqual([ok]);
    expect(extractReadings({ readings: [ok, ok] }, limits)).toHaveLength(2);
  });
  it('refuses bodies that are not readings, naming the field', () => {
    expect(extractReadings([ok], limits)).toMatchObject({ status: 400, field: 'body' });
    expect(extractReadings({ readings: 'x' }, limits)).toMatchObject({ status: 400, field: 'readings' });
    expect(extractReadings({ readings: [] }, limits)).toMatchObject({ status: 400, field: 'readings' });
  });
  it('answers 413 above the batch limit', () => {
    expect(extractReadings({ readings: [ok, ok, ok, ok] }, limits)).toMatchObject({ status: 413, field: 'readings' });
  });
});

describe('validateReadings', () => {
  it('normalises °F to °C and keeps optional fields', () => {
    const { valid, rejected } = validateReadings(
      [{ sensor_id: 'S1', recorded_at: '2026-06-01T11:00:00+02:00', temperature_f: 41, humidity_pct: 50, battery_pct: 90, door_open: false }],
      now,
      limits,
    );
    expect(rejected).toEqual([]);
    expect(valid[0].reading.temperatureC).toBeCloseTo(5, 10);
    expect(valid[0].reading.recordedAt.toISOString()).toBe('2026-06-01T09:00:00.000Z');
    expect(valid[0].reading).toMatchObject({ humidityPct: 50, batteryPct: 90, doorOpen: false });
  });

  it.each([
    [{ ...ok, sensor_id: '' }, 'sensor_id'],
    [{ ...ok, recorded_at: '2026-06-01 11:00' }, 'recorded_at'],
    [{ ...ok, recorded_at: '2026-06-01T11:59:00' }, 'recorded_at'],
    [{ ...ok, recorded_at: '2026-04-31T11:59:00Z' }, 'recorded_at'],
    [{ ...ok, recorded_at: '2026-06-01T12:06:00Z' }, 'recorded_at'],
    [{ ...ok, recorded_at: '2023-01-01T00:00:00Z' }, 'recorded_at'],
    [{ ...ok, temperature_c: 'cold' }, 'temperature_c'],
    [{ ...ok, temperature_c: 500 }, 'temperature_c'],
    [{ sensor_id: 'S1', recorded_at: ok.recorded_at }, 'temperature_c'],
    [{ ...ok, temperature_f: 40 }, 'temperature_c'],
    [{ sensor_id: 'S1', recorded_at: ok.recorded_at, temperature_f: 1000 }, 'temperature_f'],
    [{ ...ok, humidity_pct: 101 }, 'humidity_pct'],
    [{ ...ok, battery_pct: -1 }, 'battery_pct'],
    [{ ...ok, door_open: 'yes' }, 'door_open'],
    ['not an object', 'reading'],
  ])('rejects %j on field %s', (item, field) => {
    const { valid, rejected } = validateReadings([ok, item], now, limits);
    expect(valid.map((v) => v.index)).toEqual([0]);
    expect(rejected).toEqual([{ index: 1, field, reason: expect.any(String) }]);
  });

  it('allows a device clock slightly ahead (within the skew)', () => {
    const { rejected } = validateReadings([{ ...ok, recorded_at: '2026-06-01T12:04:00Z' }], now, limits);
    expect(rejected).toEqual([]);
  });
});
