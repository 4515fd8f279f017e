import { generateDeviceKey } from '../../platform/contracts/device-key';
import { withTransaction, type Pool } from '../../platform/db/pool';
import type { Logger } from '../../platform/logging/logger';
import { DEMO_ORG_SLUG, DEMO_SENSORS } from './seed';

export const SIMULATOR_TICK_MS = 5000;

/** Set points of the steady sensors (°C). */
const SETPOINT: Record<string, number> = {
  'demo-freezer-1': -20,
  'demo-hot-1': 65,
  'demo-chiller-1': 3,
  'demo-ambient-1': 20,
};

/**
 * fridgeTemperature: the walk-in fridge drifts from 4 °C by 0.5 °C per tick (a failing
 * compressor), passes the 5 °C limit after ~15 s, holds around 9 °C, then recovers — a
 * 4-minute cycle, so an excursion opens within the first minute and later resolves.
 */
export function fridgeTemperature(tick: number): number {
  const t = tick % 48;
  if (t < 10) return 4 + 0.5 * t;
  if (t < 24) return 9;
  if (t < 34) return 9 - 0.6 * (t - 23);
  return 3;
}

export interface Simulator {
  stop(): Promise<void>;
}

/**
 * startSimulator issues the simulator its own device key for the demo organization (the
 * seed's key was only ever shown, never stored), revoking the previous run's, then posts one
 * reading per demo sensor every tick through the real ingest API.
 */
export async function startSimulator(pool: Pool, ingestUrl: string, logger: Logger): Promise<Simulator | null> {
  const key = generateDeviceKey();
  const issued = await withTransaction(pool, async (client) => {
    const org = await client.query<{ id: string }>('SELECT id FROM organizations WHERE slug = $1', [DEMO_ORG_SLUG]);
    if (!org.rows.length) return false;
    await client.query(`UPDATE device_keys SET revoked_at = now() WHERE org_id = $1 AND name = 'simulator' AND revoked_at IS NULL`, [org.rows[0].id]);
    await client.query(`INSERT INTO device_keys (org_id, name, prefix, key_hash, created_by) VALUES ($1, 'simulator', $2, $3, 'simulator')`, [
      org.rows[0].id,
      key.prefix,
      key.keyHash,
    ]);
    return true;
  });
  if (!issued) {
    logger.warn(`--simulate: no "${DEMO_ORG_SLUG}" organization in this database (it is seeded only into an empty one)`);
    return null;
  }
  let tick = 0;
  let inFlight: Promise<void> = Promise.resolve();
  const send = async () => {
    const now = new Date().toISOString();
    const readings = DEMO_SENSORS.map((d) => ({
      sensor_id: d.sensor,
      recorded_at: now,
      temperature_c:
        d.sensor === 'demo-fridge-1' ? fridgeTemperature(tick) : Math.round((SETPOINT[d.sensor] + (Math.random() - 0.5) * 0.6) * 10) / 10,
      battery_pct: 95,
      door_open: false,
    }));
    tick++;
    try {
      const res = await fetch(`${ingestUrl}/v1/readings`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key.key}` },
        body: JSON.stringify({ readings }),
      });
      if (!res.ok) logger.warn({ status: res.status }, 'simulator: ingest refused readings');
    } catch (err) {
      logger.warn({ err: { message: (err as Error).message } }, 'simulator: ingest unreachable');
    }
  };
  const timer = setInterval(() => {
    inFlight = send();
  }, SIMULATOR_TICK_MS);
  inFlight = send();
  return {
    async stop() {
      clearInterval(timer);
      await inFlight;
    },
  };
}
