import type { Reading } from '../reading';

/**
 * minuteClock gives domain tests instants and readings counted in minutes from `start`: the
 * machines' rules (delays, stages, hysteresis) read most plainly in minutes.
 */
export function minuteClock(start: string, sensorId = 'S1') {
  const t0 = Date.parse(start);
  const at = (min: number) => new Date(t0 + min * 60_000);
  const reading = (min: number, temperatureC: number, extra: Partial<Reading> = {}): Reading => ({
    sensorId,
    recordedAt: at(min),
    temperatureC,
    humidityPct: null,
    batteryPct: null,
    doorOpen: null,
    ...extra,
  });
  return { at, reading };
}
