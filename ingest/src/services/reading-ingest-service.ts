import { ROOT_CONTEXT, trace, type SpanContext } from '@opentelemetry/api';
import type { Logger } from 'pino';
import { GroupCommit } from '../../../platform/db/group-commit';
import { withFoldedTransaction, type FoldedTransaction } from '../../../platform/db/folded-transaction';
import { isDatabaseUnavailable, isUniqueViolation, type Pool, type PoolClient } from '../../../platform/db/pool';
import { UnauthorizedError } from '../../../platform/errors/app-error';
import type { AlertLinks } from '../domain/build-alert';
import { evaluateSensor } from '../domain/evaluate-sensor';
import { replayWindow } from '../domain/late-readings';
import type { Reading, ReadingRejection } from '../domain/reading';
import type { SensorRuleSettings } from '../domain/sensor-rules';
import { validateReadings, type ReadingLimits, type ValidatedBatch } from '../domain/validate-readings';
import type { IngestMetrics } from '../metrics/ingest-metrics';
import { activeDeviceKeyIds, touchDeviceKey, type DeviceKeyRecord } from '../stores/device-key-store';
import { saveExcursion, type LiveExcursions } from '../stores/excursion-store';
import { beginIngestWrite, commitIngestWrite, readingIdentity, type SensorSeen } from '../stores/ingest-write-store';
import { alertEntry, enqueueAlerts, type OutboxEntry } from '../stores/outbox-store';
import { copyReadings, type ReadingRow } from '../stores/reading-store';
import { loadReplayHistory } from '../stores/replay-store';
import type { SensorInfo } from '../stores/sensor-store';

export interface IngestResult {
  accepted: number;
  duplicates: number;
  rejected: ReadingRejection[];
}

export interface ReadingIngestSettings {
  limits: ReadingLimits;
  rules: SensorRuleSettings;
  links: AlertLinks;
  /** The routers alerts are queued for (their names: URLs without credentials). */
  routers: readonly string[];
  /**
   * Batches of at least this many new readings are written with COPY instead of INSERT;
   * 0 never uses COPY (the embedded PGlite does not speak COPY FROM STDIN).
   */
  copyMinRows: number;
  /** Write transactions one process runs at once; requests arriving meanwhile share the next. */
  writeConcurrency: number;
  /** A shared write transaction stops taking requests at this many readings. */
  maxReadingsPerWrite: number;
}

/** WriteRequest: one HTTP request's validated readings, waiting for a write transaction. */
interface WriteRequest {
  key: DeviceKeyRecord;
  valid: { index: number; reading: Reading }[];
  requestId: string;
  /** The request's span, parent or link of the shared transaction's span. */
  spanContext: SpanContext;
}

/** StoredRow: a reading on its way into the table, with the request it came from. */
interface StoredRow extends ReadingRow {
  request: number;
}

/** WriteOutcome: what the shared transaction did with one request's readings. */
interface WriteOutcome {
  accepted: number;
  duplicates: number;
  acceptedReadings: Reading[];
  unknown: ReadingRejection[];
  /** The key was revoked after the request was authenticated: nothing was written. */
  keyRevoked: boolean;
}

const tracer = trace.getTracer('freshtrack');

/**
 * TakenInstants: the recorded_at instants (ms) one sensor's readings take in a transaction.
 * Gateways send a sensor's readings in order, and an instant later than every one before it
 * cannot repeat any: those go in a plain array of doubles, where a Set would box each one.
 * Only a reading out of order builds the Set.
 */
class TakenInstants {
  private latest = -Infinity;
  private readonly inOrder: number[] = [];
  private all: Set<number> | null = null;

  /** claim takes the instant, or says it is already taken. */
  claim(at: number): boolean {
    if (at > this.latest) {
      this.latest = at;
      if (this.all) this.all.add(at);
      else this.inOrder.push(at);
      return true;
    }
    this.all ??= new Set(this.inOrder);
    if (this.all.has(at)) return false;
    this.all.add(at);
    return true;
  }
}

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
 * ReadingIngestService stores readings and evaluates them in ONE transaction: readings,
 * excursion state, outbox rows and sensor last-seen commit together or not at all, so a 2xx
 * means all of it is durable and a failure leaves nothing half-written. Excursion evaluation
 * is serialised per sensor by locking its row (FOR UPDATE), so replicas agree.
 *
 * Concurrent requests share transactions (GroupCommit, ADR 0012): each round trip to
 * PostgreSQL costs far more CPU than the work inside it, so under load the readings of every
 * request that arrived while the previous writes ran are stored, locked and evaluated
 * together, and each request is answered with its own counts once that transaction commits.
 */
export class ReadingIngestService {
  /** last_used_at is minute-grained: skip the round trip when this process wrote it lately. */
  private readonly keyTouch = new KeyTouchMemo(60_000);
  private readonly writes: GroupCommit<WriteRequest, WriteOutcome>;

  constructor(
    private readonly pool: Pool,
    private readonly settings: ReadingIngestSettings,
    private readonly metrics: IngestMetrics,
    private readonly logger: Logger,
  ) {
    this.writes = new GroupCommit((requests) => this.write(requests), {
      maxInFlight: settings.writeConcurrency,
      maxBatchWeight: settings.maxReadingsPerWrite,
      weight: (r) => r.valid.length,
      onBatch: (n) => metrics.writeBatchRequests.observe(n),
      // With the database unreachable, retrying each request alone would only make the
      // last of them wait for one connection timeout per request before its 503.
      retryAlone: (err) => !isDatabaseUnavailable(err),
      // An organization flooding ingest shares each transaction with the others instead of
      // queueing them behind its backlog.
      fairBy: (r) => r.key.orgId,
    });
  }

  /** validate checks every reading of a request against the limits, without I/O. */
  validate(items: unknown[], receivedAt: Date): ValidatedBatch {
    return tracer.startActiveSpan('ingest.validate', (span) => {
      try {
        return validateReadings(items, receivedAt, this.settings.limits);
      } finally {
        span.end();
      }
    });
  }

  /**
   * storeValidated stores a request's valid readings and answers with their counts. It takes
   * the validated batch, not the parsed body: an async function keeps every local and argument
   * alive while it waits, and a thousand parsed readings held through the wait for a shared
   * transaction are copied by every scavenge meanwhile.
   */
  async storeValidated(key: DeviceKeyRecord, { valid, rejected }: ValidatedBatch, receivedAt: Date, requestId: string): Promise<IngestResult> {
    let accepted = 0;
    let duplicates = 0;
    if (valid.length > 0) {
      const end = this.metrics.dbWriteDuration.startTimer();
      const outcome = await tracer.startActiveSpan('ingest.store', async (span) => {
        try {
          return await this.writes.submit({ key, valid, requestId, spanContext: span.spanContext() });
        } finally {
          span.end();
        }
      });
      end();
      if (outcome.keyRevoked) throw new UnauthorizedError('unknown or revoked device key');
      rejected.push(...outcome.unknown);
      accepted = outcome.accepted;
      duplicates = outcome.duplicates;
      for (const r of outcome.acceptedReadings) this.metrics.clockSkew.observe((r.recordedAt.getTime() - receivedAt.getTime()) / 1000);
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

  /**
   * write stores a group of requests. A big group goes through COPY first; if one of its
   * readings is already stored (a gateway re-sending), COPY fails and rolls the transaction
   * back, and the group is redone with INSERT … ON CONFLICT, which tells new readings from
   * duplicates. Re-sent batches are the exception, so the redo is rare.
   */
  private write(requests: WriteRequest[]): Promise<WriteOutcome[]> {
    // One span per shared transaction: a child of the first request's trace, linked to the others'.
    const parent = trace.setSpanContext(ROOT_CONTEXT, requests[0].spanContext);
    const links = requests.slice(1).map((r) => ({ context: r.spanContext }));
    return tracer.startActiveSpan('ingest.transaction', { links, attributes: { 'freshtrack.ingest.requests': requests.length } }, parent, async (span) => {
      try {
        const readings = requests.reduce((n, r) => n + r.valid.length, 0);
        const bulk = this.settings.copyMinRows > 0 && readings >= this.settings.copyMinRows;
        try {
          return await withFoldedTransaction(this.pool, (tx) => this.store(tx, requests, bulk));
        } catch (err) {
          if (!bulk || !isUniqueViolation(err)) throw err;
          this.metrics.copyRedone.inc();
          return await withFoldedTransaction(this.pool, (tx) => this.store(tx, requests, false));
        }
      } finally {
        span.end();
      }
    });
  }

  /**
   * store runs one write transaction in as few round trips as it can: the first statement
   * locks the sensors, inserts the readings (unless they go by COPY) and reads the state to
   * evaluate against; the last updates the sensors and commits (ADR 0012).
   */
  private async store(tx: FoldedTransaction, requests: WriteRequest[], bulk: boolean): Promise<WriteOutcome[]> {
    const start = bulk
      ? await beginIngestWrite(tx, { pairs: distinctPairs(requests) })
      : await beginIngestWrite(tx, { readings: requests.flatMap((req) => req.valid.map(({ reading }) => ({ keyId: req.key.id, reading }))) });
    const { sensors, live } = start;
    const outcomes: WriteOutcome[] = requests.map(() => ({ accepted: 0, duplicates: 0, acceptedReadings: [], unknown: [], keyRevoked: false }));
    const rows: StoredRow[] = [];
    // Instants already taken per sensor id: a reading's identity is (sensor, recorded_at).
    const taken = new Map<string, TakenInstants>();
    for (let i = 0; i < requests.length; i++) {
      const req = requests[i];
      const outcome = outcomes[i];
      const keySensors = sensors.get(req.key.id);
      for (const { index, reading } of req.valid) {
        const sensor = keySensors?.get(reading.sensorId);
        if (!sensor) {
          // Same answer whether the id exists in another organization or nowhere: nothing leaks.
          outcome.unknown.push({ index, field: 'sensor_id', reason: 'unknown sensor for this device key' });
          continue;
        }
        let instants = taken.get(sensor.id);
        if (!instants) taken.set(sensor.id, (instants = new TakenInstants()));
        if (!instants.claim(reading.recordedAt.getTime())) {
          outcome.duplicates++;
          continue;
        }
        rows.push({ sensor, reading, request: i });
      }
    }
    await this.flagRevokedKeys(tx.client, requests, outcomes);

    let isNew: (r: StoredRow) => boolean;
    if (bulk) {
      await copyReadings(tx.client, rows);
      isNew = () => true;
    } else {
      isNew = (r) => start.inserted.has(readingIdentity(r.sensor.id, r.reading.recordedAt.getTime()));
    }

    const bySensor = new Map<string, Reading[]>();
    for (const r of rows) {
      const outcome = outcomes[r.request];
      if (!isNew(r)) {
        outcome.duplicates++;
        continue;
      }
      outcome.accepted++;
      outcome.acceptedReadings.push(r.reading);
      let list = bySensor.get(r.sensor.id);
      if (!list) bySensor.set(r.sensor.id, (list = []));
      list.push(r.reading);
    }
    const byId = new Map<string, SensorInfo>();
    for (const byExternal of sensors.values()) for (const sensor of byExternal.values()) byId.set(sensor.id, sensor);
    await tracer.startActiveSpan('ingest.evaluate', async (span) => {
      try {
        await this.evaluate(tx, [...taken.keys()], byId, live, bySensor, requests);
      } finally {
        span.end();
      }
    });
    return outcomes;
  }

  /**
   * flagRevokedKeys: a request none of whose sensors resolved may come from a key revoked
   * since it was authenticated (ingest_begin_write ignores revoked keys). Only then is the
   * key looked at again, so the common path pays nothing for the check.
   */
  private async flagRevokedKeys(client: PoolClient, requests: WriteRequest[], outcomes: WriteOutcome[]): Promise<void> {
    const suspects = requests.flatMap((req, i) => (outcomes[i].unknown.length === req.valid.length ? [i] : []));
    if (suspects.length === 0) return;
    const active = await activeDeviceKeyIds(client, suspects.map((i) => requests[i].key.id));
    for (const i of suspects) if (!active.has(requests[i].key.id)) outcomes[i].keyRevoked = true;
  }

  private async evaluate(
    tx: FoldedTransaction,
    sensorIds: string[],
    byId: Map<string, SensorInfo>,
    live: LiveExcursions,
    bySensor: Map<string, Reading[]>,
    requests: WriteRequest[],
  ): Promise<void> {
    const outbox: OutboxEntry[] = [];
    const seen: SensorSeen[] = [];
    let late = 0;
    let replays = 0;
    let retrospective = 0;
    for (const sensorId of sensorIds) {
      const sensor = byId.get(sensorId)!;
      const sensorLive = live.get(sensorId) ?? {};
      const readings = bySensor.get(sensorId) ?? [];
      const ctx = { thresholds: sensor.thresholds, unitType: sensor.unitType, timeZone: sensor.timeZone };
      const until = sensor.evaluatedUntil;
      const window = until && replayWindow(readings, ctx, sensorLive.TemperatureExcursion ?? null, until);
      if (window) replays++;
      const evaluation = evaluateSensor({
        ...ctx,
        cooling: sensor.cooling,
        evaluatedUntil: until,
        live: sensorLive,
        readings,
        settings: this.settings.rules,
        now: new Date(),
        history: window ? await loadReplayHistory(tx.client, sensorId, window) : undefined,
      });
      late += evaluation.late;
      retrospective += evaluation.retrospective;
      seen.push({ id: sensorId, evaluatedUntil: evaluation.evaluatedUntil, batteryPct: evaluation.batteryPct });
      const owner = { orgId: sensor.orgId, unitId: sensor.unitId, sensorId };
      for (const ex of evaluation.touched) await saveExcursion(tx.client, owner, ex);
      for (const event of evaluation.events) outbox.push(alertEntry(event, sensor, this.settings.links));
    }
    await enqueueAlerts(tx.client, outbox, this.settings.routers);
    for (const keyId of new Set(requests.map((r) => r.key.id))) {
      if (this.keyTouch.due(keyId)) await touchDeviceKey(tx.client, keyId);
    }
    await commitIngestWrite(tx, seen);
    if (late) this.metrics.lateReadings.inc(late);
    if (replays) {
      this.metrics.lateReplays.inc(replays);
      // Why this transaction read history: a trace with a slow evaluation shows it.
      trace.getActiveSpan()?.setAttribute('freshtrack.ingest.replays', replays);
    }
    if (retrospective) this.metrics.retrospectiveExcursions.inc(retrospective);
    if (outbox.length) {
      const orgs = [...new Set(requests.map((r) => r.key.orgSlug))];
      this.logger.info(
        { orgs, requestIds: requests.map((r) => r.requestId), alerts: outbox.map((o) => o.payload.labels.alertname), replays, retrospective },
        'excursion alerts queued',
      );
    }
  }
}

/** distinctPairs: the (device key, external id) pairs a group names, each once. */
function distinctPairs(requests: WriteRequest[]): { keyId: string; externalId: string }[] {
  const pairs: { keyId: string; externalId: string }[] = [];
  for (const req of new Set(requests.map((r) => r.key.id))) {
    const ids = new Set<string>();
    for (const r of requests) if (r.key.id === req) for (const { reading } of r.valid) ids.add(reading.sensorId);
    for (const externalId of ids) pairs.push({ keyId: req, externalId });
  }
  return pairs;
}
