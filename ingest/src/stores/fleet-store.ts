import type { Pool } from '../../../platform/db/pool';

export interface FleetSnapshot {
  sensors: { org: string; status: 'online' | 'offline'; count: number }[];
  batteryLow: { org: string; count: number }[];
  lastSeenAge: { org: string; bucket: string; count: number }[];
  excursionsOpen: { kind: string; severity: string; count: number }[];
  /** Undelivered alerts per router they are queued for ('unrouted': not yet given to one). */
  outbox: { router: string; pending: number; oldestAgeSeconds: number }[];
}

/**
 * fleetSnapshot reads every fleet gauge in one round trip per table so one scrape is one
 * consistent picture. Offline means a live SensorOffline excursion; age buckets use the
 * server's receipt clock. Every router in `routers` gets an outbox entry, zero when nothing
 * waits for it, so its series exist before the first alert.
 */
export async function fleetSnapshot(pool: Pool, batteryLowPct: number, routers: readonly string[]): Promise<FleetSnapshot> {
  const sensors = await pool.query<{ org: string; offline: boolean; low: boolean; bucket: string; count: string }>(
    `SELECT o.slug AS org,
            EXISTS (SELECT 1 FROM excursions e WHERE e.sensor_id = s.id AND e.kind = 'SensorOffline' AND e.state = 'open') AS offline,
            coalesce(s.last_battery_pct < $1, false) AS low,
            CASE WHEN s.last_received_at IS NULL THEN 'never'
                 WHEN s.last_received_at > now() - interval '5 minutes' THEN '5m'
                 WHEN s.last_received_at > now() - interval '15 minutes' THEN '15m'
                 WHEN s.last_received_at > now() - interval '1 hour' THEN '1h'
                 WHEN s.last_received_at > now() - interval '1 day' THEN '1d'
                 ELSE 'older' END AS bucket,
            count(*) AS count
     FROM sensors s JOIN organizations o ON o.id = s.org_id
     GROUP BY 1, 2, 3, 4`,
    [batteryLowPct],
  );
  const excursions = await pool.query<{ kind: string; severity: string; count: string }>(
    `SELECT kind, severity, count(*) AS count FROM excursions WHERE state = 'open' GROUP BY 1, 2`,
  );
  const outbox = await pool.query<{ router: string; pending: string; oldest: number }>(
    `SELECT coalesce(router, 'unrouted') AS router, count(*) AS pending, extract(epoch FROM now() - min(created_at))::float8 AS oldest
     FROM alert_outbox WHERE delivered_at IS NULL GROUP BY 1`,
  );
  const add = <K extends string>(m: Map<string, number>, key: K, n: number) => m.set(key, (m.get(key) ?? 0) + n);
  const status = new Map<string, number>();
  const low = new Map<string, number>();
  const age = new Map<string, number>();
  for (const r of sensors.rows) {
    const n = Number(r.count);
    add(status, `${r.org}\u0000${r.offline ? 'offline' : 'online'}`, n);
    if (r.low) add(low, r.org, n);
    add(age, `${r.org}\u0000${r.bucket}`, n);
  }
  const split = (k: string) => k.split('\u0000');
  return {
    sensors: [...status].map(([k, count]) => ({ org: split(k)[0], status: split(k)[1] as 'online' | 'offline', count })),
    batteryLow: [...low].map(([org, count]) => ({ org, count })),
    lastSeenAge: [...age].map(([k, count]) => ({ org: split(k)[0], bucket: split(k)[1], count })),
    excursionsOpen: excursions.rows.map((r) => ({ kind: r.kind, severity: r.severity, count: Number(r.count) })),
    outbox: [
      ...outbox.rows.map((r) => ({ router: r.router, pending: Number(r.pending), oldestAgeSeconds: r.oldest })),
      ...routers.filter((router) => !outbox.rows.some((r) => r.router === router)).map((router) => ({ router, pending: 0, oldestAgeSeconds: 0 })),
    ],
  };
}
