import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { from as copyFrom } from 'pg-copy-streams';
import { BinaryCopyWriter } from '../../../platform/db/binary-copy';
import type { PoolClient } from '../../../platform/db/pool';
import type { Reading } from '../domain/reading';

/** ReadingRow: a validated reading and the sensor it was resolved to. */
export interface ReadingRow {
  sensor: { id: string; orgId: string; unitId: string };
  reading: Reading;
}

/**
 * copyReadings stores a batch with binary COPY, the bulk path PostgreSQL is fastest at.
 * received_at is the transaction's now(): the server's receipt time. COPY has no ON
 * CONFLICT: a reading that is already stored fails the whole statement with unique_violation
 * (23505), which aborts the transaction, and the caller redoes the batch through
 * ingest_begin_write's INSERT … ON CONFLICT (see ReadingIngestService). Rows must be distinct
 * within the batch.
 */
export async function copyReadings(client: PoolClient, rows: ReadingRow[]): Promise<void> {
  if (rows.length === 0) return;
  const body = new BinaryCopyWriter(rows.length);
  for (const { sensor, reading: r } of rows) {
    body.row(8).uuid(sensor.id).timestamptz(r.recordedAt).uuid(sensor.orgId).uuid(sensor.unitId);
    body.float8(r.temperatureC).float4(r.humidityPct).float4(r.batteryPct).bool(r.doorOpen);
  }
  await pipeline(
    Readable.from([body.finish()]),
    client.query(copyFrom('COPY readings (sensor_id, recorded_at, org_id, unit_id, temperature_c, humidity_pct, battery_pct, door_open) FROM STDIN WITH (FORMAT binary)')),
  );
}
