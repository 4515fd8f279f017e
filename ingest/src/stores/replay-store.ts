import type { PoolClient } from '../../../platform/db/pool';
import { REPLAY_MAX_READINGS, type ReplayHistory, type ReplayWindow } from '../domain/late-readings';
import { temperatureExcursionsBetween } from './excursion-store';

/**
 * loadReplayHistory reads what a replay of late readings needs (ADR 0069): the sensor's
 * stored temperatures in the window, oldest first, and its temperature excursions on record
 * that overlap it. Runs in the ingest transaction, under the sensor's row lock, so it sees
 * the readings just inserted and nothing another replica is still evaluating.
 */
export async function loadReplayHistory(client: PoolClient, sensorId: string, window: ReplayWindow): Promise<ReplayHistory> {
  const readings = await client.query<{ recorded_at: Date; temperature_c: number }>(
    `SELECT recorded_at, temperature_c FROM readings
     WHERE sensor_id = $1 AND recorded_at >= $2 AND recorded_at <= $3
     ORDER BY recorded_at LIMIT $4`,
    [sensorId, window.from, window.to, REPLAY_MAX_READINGS + 1],
  );
  const recorded = await temperatureExcursionsBetween(client, sensorId, window.from, window.to);
  return {
    window,
    readings: readings.rows.slice(0, REPLAY_MAX_READINGS).map((r) => ({ at: r.recorded_at, tempC: r.temperature_c })),
    complete: readings.rows.length <= REPLAY_MAX_READINGS,
    recorded,
  };
}
