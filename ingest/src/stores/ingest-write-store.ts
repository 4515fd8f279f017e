import { sqlLiteral, type FoldedTransaction } from '../../../platform/db/folded-transaction';
import type { Reading } from '../domain/reading';
import { liveExcursionsFromJson, type LiveExcursions } from './excursion-store';
import { toInfo, type SensorInfo, type SensorRow } from './sensor-store';

/** A reading on its way in, with the device key that sent it. */
export interface KeyedReading {
  keyId: string;
  reading: Reading;
}

/** SensorsByKey: sensor by device key id, then by the device's external id. */
export type SensorsByKey = Map<string, Map<string, SensorInfo>>;

export interface WriteStart {
  sensors: SensorsByKey;
  /** Live excursions by sensor id, read under the sensors' locks. */
  live: LiveExcursions;
  /** Identities (readingIdentity) of the readings this transaction inserted. */
  inserted: Set<string>;
}

interface BeginWriteRow extends SensorRow {
  key_id: string;
  live_excursions: Record<string, unknown>[] | null;
  inserted_ms: number[] | null;
}

/** readingIdentity is a reading's primary key, (sensor, recorded_at), as one string. */
export function readingIdentity(sensorId: string, recordedAtMs: number): string {
  return `${sensorId}@${recordedAtMs}`;
}

/**
 * beginIngestWrite opens an ingest write transaction with one statement (migration 0120):
 * resolve the device identifiers within each key's organization while the key is not revoked,
 * lock the sensors, insert `readings` unless the caller will COPY them itself (`readings`
 * null: then `pairs` names the sensors to lock), and read the sensors' state and live
 * excursions under the locks.
 */
export async function beginIngestWrite(
  tx: FoldedTransaction,
  input: { readings: KeyedReading[] } | { pairs: { keyId: string; externalId: string }[] },
): Promise<WriteStart> {
  const sql =
    'readings' in input
      ? `SELECT * FROM ingest_begin_write(${sqlLiteral(input.readings.map((r) => r.keyId))}::uuid[], ${sqlLiteral(input.readings.map((r) => r.reading.sensorId))}::text[],
           ${sqlLiteral(input.readings.map((r) => r.reading.recordedAt))}::timestamptz[], ${sqlLiteral(input.readings.map((r) => r.reading.temperatureC))}::float8[],
           ${sqlLiteral(input.readings.map((r) => r.reading.humidityPct))}::real[], ${sqlLiteral(input.readings.map((r) => r.reading.batteryPct))}::real[],
           ${sqlLiteral(input.readings.map((r) => r.reading.doorOpen))}::boolean[])`
      : `SELECT * FROM ingest_begin_write(${sqlLiteral(input.pairs.map((p) => p.keyId))}::uuid[], ${sqlLiteral(input.pairs.map((p) => p.externalId))}::text[],
           NULL, NULL, NULL, NULL, NULL)`;
  const { rows } = await tx.begin<BeginWriteRow>(sql);
  const start: WriteStart = { sensors: new Map(), live: new Map(), inserted: new Set() };
  for (const r of rows) {
    let byExternal = start.sensors.get(r.key_id);
    if (!byExternal) start.sensors.set(r.key_id, (byExternal = new Map()));
    byExternal.set(r.external_id, toInfo(r));
    if (start.live.has(r.id)) continue; // the same sensor through a second key of its organization
    start.live.set(r.id, liveExcursionsFromJson(r.live_excursions));
    for (const ms of r.inserted_ms ?? []) start.inserted.add(readingIdentity(r.id, ms));
  }
  return start;
}

export interface SensorSeen {
  id: string;
  evaluatedUntil: Date | null;
  batteryPct: number | null;
}

/**
 * commitIngestWrite records what the server last heard from each sensor and commits, in one
 * round trip (ingest_finish_write, migration 0410: a function, so its plan is cached).
 */
export async function commitIngestWrite(tx: FoldedTransaction, seen: SensorSeen[]): Promise<void> {
  if (seen.length === 0) return tx.commit();
  await tx.commit(
    `SELECT ingest_finish_write(${sqlLiteral(seen.map((s) => s.id))}::uuid[], ${sqlLiteral(seen.map((s) => s.evaluatedUntil))}::timestamptz[],
                                ${sqlLiteral(seen.map((s) => s.batteryPct))}::real[])`,
  );
}
