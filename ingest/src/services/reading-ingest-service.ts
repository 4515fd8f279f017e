import { trace } from '@opentelemetry/api';
import type { Logger } from 'pino';
import { withTransaction, type Pool, type PoolClient } from '../../../platform/db/pool';
import { buildAlert, type AlertLinks } from '../domain/build-alert';
import { evaluateSensor } from '../domain/evaluate-sensor';
import type { Reading, ReadingRejection } from '../domain/reading';
import type { SensorRuleSettings } from '../domain/sensor-rules';
import { validateReadings, type ReadingLimits } from '../domain/validate-readings';
import type { IngestMetrics } from '../metrics/ingest-metrics';
import { touchDeviceKey, type DeviceKeyRecord } from '../stores/device-key-store';
import { saveExcursion, loadLiveExcursions } from '../stores/excursion-store';
import { enqueueAlerts, type OutboxEntry } from '../stores/outbox-store';
import { insertReadings, readingIdentity, type ReadingRow } from '../stores/reading-store';
import { lockSensorsByExternalId, markSensorsSeen, type SensorInfo, type SensorSeen } from '../stores/sensor-store';

export interface IngestResult {
  accepted: number;
  duplicates: number;
  rejected: ReadingRejection[];
}

export interface ReadingIngestSettings {
  limits: ReadingLimits;
  rules: SensorRuleSettings;
  links: AlertLinks;
}

const tracer = trace.getTracer('freshtrack');

/** KeyTouchMemo remembers when each key's last_used_at was last written by this process. */
class KeyTouchMemo {
  private readonly touched = new Map<string, number>();
  constructor(private readonly everyMs: number) {}
  due(keyId: string): boolean {
    const now = Date.now();
    if (now - (this.touched.get(keyId) ?? 0) < this.everyMs) return false;
    if (this.touched.size > 100_000) this.touched.clear();
    this.touched.set(keyId, now);
    return true;
  }
}

/**
 * ReadingIngestService stores a request's readings and evaluates them in ONE transaction:
 * readings, excursion state, outbox rows and sensor last-seen commit together or not at all,
 * so a 2xx means all of it is durable and a failure leaves nothing half-written. Excursion
 * evaluation is serialised per sensor by locking its row (FOR UPDATE), so replicas agree.
 */
export class ReadingIngestService {
  /** last_used_at is minute-grained: skip the round trip when this process wrote it lately. */
  private readonly keyTouch = new KeyTouchMemo(60_000);

  constructor(
    private readonly pool: Pool,
    private readonly settings: ReadingIngestSettings,
    private readonly metrics: IngestMetrics,
    private readonly logger: Logger,
  ) {}

  async ingest(key: DeviceKeyRecord, items: unknown[], receivedAt: Date, requestId: string): Promise<IngestResult> {
    const { valid, rejected } = tracer.startActiveSpan('ingest.validate', (span) => {
      try {
        return validateReadings(items, receivedAt, this.settings.limits);
      } finally {
        span.end();
      }
    });
    let accepted = 0;
    let duplicates = 0;
    if (valid.length > 0) {
      const end = this.metrics.dbWriteDuration.startTimer();
      const outcome = await tracer.startActiveSpan('ingest.transaction', async (span) => {
        try {
          return await withTransaction(this.pool, (client) => this.store(client, key, valid, rejected, requestId));
        } finally {
          span.end();
        }
      });
      end();
      accepted = outcome.accepted;
      duplicates = outcome.duplicates;
      this.observe(outcome.acceptedReadings, receivedAt, outcome.late);
    }
    rejected.sort((a, b) => a.index - b.index);
    this.metrics.readings.inc({ result: 'accepted', reason: 'none' }, accepted);
    this.metrics.readings.inc({ result: 'duplicate', reason: 'none' }, duplicates);
    for (const r of rejected) {
      this.metrics.readings.inc({ result: 'rejected', reason: r.field });
      if (r.field === 'recorded_at' && r.reason.includes('ahead')) this.metrics.clockSkewRejected.inc();
    }
    return { accepted, duplicates, rejected };
  }

  private async store(
    client: PoolClient,
    key: DeviceKeyRecord,
    valid: { index: number; reading: Reading }[],
    rejected: ReadingRejection[],
    requestId: string,
  ) {
    const externalIds = [...new Set(valid.map((v) => v.reading.sensorId))];
    const sensors = await lockSensorsByExternalId(client, key.orgId, externalIds);
    const rows: (ReadingRow & { reading: Reading })[] = [];
    const seenInBatch = new Set<string>();
    let duplicates = 0;
    for (const { index, reading } of valid) {
      const sensor = sensors.get(reading.sensorId);
      if (!sensor) {
        // Same answer whether the id exists in another organization or nowhere: nothing leaks.
        rejected.push({ index, field: 'sensor_id', reason: 'unknown sensor for this device key' });
        continue;
      }
      const identity = readingIdentity(sensor.id, reading.recordedAt);
      if (seenInBatch.has(identity)) {
        duplicates++;
        continue;
      }
      seenInBatch.add(identity);
      rows.push({ ...reading, sensorId: sensor.id, orgId: sensor.orgId, unitId: sensor.unitId, reading });
    }
    const sensorIds = [...new Set(rows.map((r) => r.sensorId))];
    // A separate statement, so its snapshot is taken after the locks were granted (ADR 0010).
    const live = await loadLiveExcursions(client, sensorIds);
    const inserted = await insertReadings(client, rows);
    duplicates += rows.length - inserted.size;

    const bySensor = new Map<string, Reading[]>();
    const acceptedReadings: Reading[] = [];
    for (const r of rows) {
      if (!inserted.has(readingIdentity(r.sensorId, r.recordedAt))) continue;
      const list = bySensor.get(r.sensorId) ?? [];
      list.push(r.reading);
      bySensor.set(r.sensorId, list);
      acceptedReadings.push(r.reading);
    }
    const byId = new Map<string, SensorInfo>([...sensors.values()].map((s) => [s.id, s]));
    const outbox: OutboxEntry[] = [];
    const seen: SensorSeen[] = [];
    let late = 0;
    await tracer.startActiveSpan('ingest.evaluate', async (span) => {
      try {
        for (const sensorId of sensorIds) {
          const sensor = byId.get(sensorId)!;
          const evaluation = evaluateSensor({
            unitType: sensor.unitType,
            thresholds: sensor.thresholds,
            timeZone: sensor.timeZone,
            evaluatedUntil: sensor.evaluatedUntil,
            live: live.get(sensorId) ?? {},
            readings: bySensor.get(sensorId) ?? [],
            settings: this.settings.rules,
            now: new Date(),
          });
          late += evaluation.late;
          seen.push({ id: sensorId, evaluatedUntil: evaluation.evaluatedUntil, batteryPct: evaluation.batteryPct });
          const owner = { orgId: sensor.orgId, unitId: sensor.unitId, sensorId };
          for (const ex of evaluation.touched) await saveExcursion(client, owner, ex);
          for (const event of evaluation.events) {
            outbox.push({ orgId: sensor.orgId, excursionId: event.excursion.id!, payload: buildAlert(event, sensor.alertContext, this.settings.links) });
          }
        }
        await enqueueAlerts(client, outbox);
        await markSensorsSeen(client, seen);
        if (this.keyTouch.due(key.id)) await touchDeviceKey(client, key.id);
      } finally {
        span.end();
      }
    });
    if (outbox.length) this.logger.info({ org: key.orgSlug, requestId, alerts: outbox.map((o) => o.payload.labels.alertname) }, 'excursion alerts queued');
    return { accepted: inserted.size, duplicates, acceptedReadings, late };
  }

  private observe(readings: Reading[], receivedAt: Date, late: number): void {
    for (const r of readings) this.metrics.clockSkew.observe((r.recordedAt.getTime() - receivedAt.getTime()) / 1000);
    if (late) this.metrics.lateReadings.inc(late);
  }
}
