import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { FleetSnapshot } from '../stores/fleet-store';

/**
 * IngestMetrics: every ingest series, low cardinality by design — labelled by result,
 * reason (a validation field), severity, job or organization, never by sensor or key.
 */
export class IngestMetrics {
  readonly readings: Counter<'result' | 'reason'>;
  readonly batchSize: Histogram<string>;
  readonly requestDuration: Histogram<'outcome'>;
  readonly dbWriteDuration: Histogram<string>;
  readonly clockSkew: Histogram<string>;
  readonly clockSkewRejected: Counter<string>;
  readonly lateReadings: Counter<string>;
  readonly lateReplays: Counter<string>;
  readonly retrospectiveExcursions: Counter<string>;
  readonly copyRedone: Counter<string>;
  readonly writeBatchRequests: Histogram<string>;
  readonly rateLimited: Counter<string>;
  readonly deliveries: Counter<'router' | 'result'>;
  readonly jobRuns: Counter<'job' | 'result'>;
  readonly jobDuration: Histogram<'job'>;

  constructor(registry: Registry, snapshot: () => Promise<FleetSnapshot>) {
    const registers = [registry];
    this.readings = new Counter({
      name: 'freshtrack_ingest_readings_total',
      help: 'Readings received, by result (accepted, duplicate, rejected) and rejection field',
      labelNames: ['result', 'reason'],
      registers,
    });
    this.batchSize = new Histogram({
      name: 'freshtrack_ingest_batch_size',
      help: 'Readings per POST /v1/readings request',
      buckets: [1, 10, 50, 100, 500, 1000, 2500, 5000],
      registers,
    });
    this.requestDuration = new Histogram({
      name: 'freshtrack_ingest_request_duration_seconds',
      help: 'Time to validate, store and evaluate one request, by outcome',
      labelNames: ['outcome'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    this.dbWriteDuration = new Histogram({
      name: 'freshtrack_ingest_db_write_duration_seconds',
      help: 'Time a request waits for its readings to commit: the shared write transaction (readings, excursions, outbox) and any wait for it',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    this.clockSkew = new Histogram({
      name: 'freshtrack_ingest_clock_skew_seconds',
      help: 'Device recorded_at minus server received_at for accepted readings (negative: late or backfilled)',
      buckets: [-86400, -3600, -600, -60, -10, 0, 10, 60, 300],
      registers,
    });
    this.clockSkewRejected = new Counter({
      name: 'freshtrack_ingest_clock_skew_rejected_total',
      help: 'Readings refused because the device clock is ahead of the server by more than the allowed skew',
      registers,
    });
    this.lateReadings = new Counter({
      name: 'freshtrack_ingest_late_readings_total',
      help: 'Readings stored after newer ones of the same sensor were evaluated',
      registers,
    });
    this.lateReplays = new Counter({
      name: 'freshtrack_ingest_late_replays_total',
      help: 'Sensor histories replayed because late readings breached a limit outside any excursion on record',
      registers,
    });
    this.retrospectiveExcursions = new Counter({
      name: 'freshtrack_ingest_retrospective_excursions_total',
      help: 'Excursions found only after they had ended (backfilled or late readings), each alerted once',
      registers,
    });
    this.copyRedone = new Counter({
      name: 'freshtrack_ingest_copy_redone_total',
      help: 'Batches whose COPY met an already stored reading and were redone with INSERT … ON CONFLICT (gateway re-sends)',
      registers,
    });
    this.writeBatchRequests = new Histogram({
      name: 'freshtrack_ingest_write_batch_requests',
      help: 'Requests sharing one write transaction (1 when idle; more under load)',
      buckets: [1, 2, 4, 8, 16, 32, 64, 128],
      registers,
    });
    this.rateLimited = new Counter({
      name: 'freshtrack_ingest_rate_limited_total',
      help: 'Requests refused with 429 by the per-key rate limits (requests or readings per second)',
      registers,
    });
    this.deliveries = new Counter({
      name: 'freshtrack_ingest_alert_deliveries_total',
      help: 'Alert batches posted to a router, by router URL and result',
      labelNames: ['router', 'result'],
      registers,
    });
    this.jobRuns = new Counter({
      name: 'freshtrack_ingest_job_runs_total',
      help: 'Scheduled job runs by job and result (success, failure, skipped)',
      labelNames: ['job', 'result'],
      registers,
    });
    this.jobDuration = new Histogram({
      name: 'freshtrack_ingest_job_duration_seconds',
      help: 'Duration of scheduled jobs',
      labelNames: ['job'],
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 30],
      registers,
    });
    registerFleetGauges(registry, snapshot);
  }
}

/**
 * registerFleetGauges: gauges filled at scrape time from one shared snapshot promise, so all
 * of them describe the same moment and the database is read once per scrape.
 */
function registerFleetGauges(registry: Registry, snapshot: () => Promise<FleetSnapshot>): void {
  let current: { at: number; value: Promise<FleetSnapshot> } | undefined;
  const shared = () => {
    if (!current || Date.now() - current.at > 1000) current = { at: Date.now(), value: snapshot() };
    return current.value;
  };
  const gauge = (name: string, help: string, labelNames: string[], fill: (g: Gauge<string>, s: FleetSnapshot) => void) =>
    new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        this.reset();
        try {
          fill(this, await shared());
        } catch {
          // Database unreachable: the series disappear (absent() alerts catch it), the scrape still answers.
        }
      },
    });
  gauge('freshtrack_sensors', 'Sensors by organization and status (offline: SensorOffline is open)', ['org', 'status'], (g, s) =>
    s.sensors.forEach((r) => g.set({ org: r.org, status: r.status }, r.count)),
  );
  gauge('freshtrack_sensors_battery_low', 'Sensors whose last battery reading is below the threshold', ['org'], (g, s) =>
    s.batteryLow.forEach((r) => g.set({ org: r.org }, r.count)),
  );
  gauge('freshtrack_sensors_last_seen_age', 'Sensors by how long ago the server last heard from them', ['org', 'age'], (g, s) =>
    s.lastSeenAge.forEach((r) => g.set({ org: r.org, age: r.bucket }, r.count)),
  );
  gauge('freshtrack_ingest_excursions_open', 'Open excursions by kind and severity', ['kind', 'severity'], (g, s) =>
    s.excursionsOpen.forEach((r) => g.set({ kind: r.kind, severity: r.severity }, r.count)),
  );
  gauge('freshtrack_ingest_outbox_pending', 'Alerts waiting in the outbox, by the router they are due to', ['router'], (g, s) =>
    s.outbox.forEach((r) => g.set({ router: r.router }, r.pending)),
  );
  gauge('freshtrack_ingest_outbox_oldest_age_seconds', 'Age of the oldest alert not yet delivered to the router', ['router'], (g, s) =>
    s.outbox.forEach((r) => g.set({ router: r.router }, r.oldestAgeSeconds)),
  );
}
