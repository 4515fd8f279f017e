import { query, type Queryable } from './queryable';

export interface RangeQuery {
  /** Filter column: readings of one unit or of one sensor. */
  by: 'unit' | 'sensor';
  id: string;
  from: Date;
  to: Date;
  limit: number;
}

/**
 * ReadingStore reads one organization's readings. Both index paths exist: (unit_id,
 * recorded_at) for a unit and the primary key (sensor_id, recorded_at) for a sensor.
 */
export class ReadingStore {
  constructor(
    private readonly db: Queryable,
    private readonly orgId: string,
  ) {}

  raw(q: RangeQuery): Promise<Record<string, unknown>[]> {
    const column = q.by === 'unit' ? 'unit_id' : 'sensor_id';
    return query(
      this.db,
      `SELECT recorded_at AS "recordedAt", sensor_id AS "sensorId", temperature_c AS "temperatureC", humidity_pct AS "humidityPct",
              battery_pct AS "batteryPct", door_open AS "doorOpen"
       FROM readings WHERE org_id = $1 AND ${column} = $2 AND recorded_at >= $3 AND recorded_at < $4
       ORDER BY recorded_at, sensor_id LIMIT $5`,
      [this.orgId, q.id, q.from, q.to, q.limit],
    );
  }

  /** Buckets of `bucketSeconds` (date_bin, aligned on `from`) with avg/min/max and count. */
  downsampled(q: RangeQuery, bucketSeconds: number): Promise<Record<string, unknown>[]> {
    const column = q.by === 'unit' ? 'unit_id' : 'sensor_id';
    return query(
      this.db,
      `SELECT date_bin(make_interval(secs => $5), recorded_at, $3) AS "bucketStart",
              round(avg(temperature_c)::numeric, 2)::float8 AS "avgC", min(temperature_c) AS "minC", max(temperature_c) AS "maxC",
              count(*)::int AS "count"
       FROM readings WHERE org_id = $1 AND ${column} = $2 AND recorded_at >= $3 AND recorded_at < $4
       GROUP BY 1 ORDER BY 1 LIMIT $6`,
      [this.orgId, q.id, q.from, q.to, bucketSeconds, q.limit],
    );
  }

  /** The organization's readings in a range (sizes evidence bundles before building them). */
  async count(from: Date, to: Date): Promise<number> {
    const rows = await query<{ n: string }>(this.db, 'SELECT count(*)::text AS n FROM readings WHERE org_id = $1 AND recorded_at >= $2 AND recorded_at < $3', [this.orgId, from, to]);
    return Number(rows[0].n);
  }
}
