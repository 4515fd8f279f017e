import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';
import { COOLING_PROFILES } from '../../../platform/contracts/food-safety-profiles';
import { withTransaction, type Pool, type PoolClient } from '../../../platform/db/pool';
import type { AlertLinks } from '../domain/build-alert';
import { CoolingMachine } from '../domain/cooling-machine';
import { newExcursion } from '../domain/excursion';
import type { IngestMetrics } from '../metrics/ingest-metrics';
import { liveExcursionsOf, saveExcursion } from '../stores/excursion-store';
import { alertEntry, enqueueAlerts, pruneDelivered, type OutboxEntry } from '../stores/outbox-store';
import { findSensorsById, lockSensors } from '../stores/sensor-store';

export interface IngestJobSettings {
  offlineSweepCron: string;
  partitionCron: string;
  offlineMultiple: number;
  retentionDays: number;
  links: AlertLinks;
  /** The routers alerts are queued for (their names: URLs without credentials). */
  routers: readonly string[];
}

/** Delivered outbox rows are kept this long for inspection, then pruned. */
const OUTBOX_KEEP_DAYS = 7;
/**
 * Cooling cycles that may be overdue, whatever their profile: still in stage 1 (limit at a
 * profile's stage-1 temperature) past the shortest stage 1, or past the shortest stage 2. The
 * sweep asks PostgreSQL only for these, so cycles on schedule cost no lock.
 */
const COOLING_DUE = {
  stage1Limits: [...new Set(Object.values(COOLING_PROFILES).map((r) => r.stage1C))],
  stage1Seconds: Math.min(...Object.values(COOLING_PROFILES).map((r) => r.stage1Seconds)),
  stage2Seconds: Math.min(...Object.values(COOLING_PROFILES).map((r) => r.stage2Seconds)),
};

/**
 * IngestJobs runs ingest's scheduled work with node-cron. A job never overlaps itself in one
 * process (noOverlap) and runs on one replica at a time: each run takes a transaction-scoped
 * try-lock and a replica that does not get it skips the run.
 */
export class IngestJobs {
  private readonly tasks: ScheduledTask[] = [];

  constructor(
    private readonly pool: Pool,
    private readonly settings: IngestJobSettings,
    private readonly metrics: IngestMetrics,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.tasks.push(
      cron.schedule(this.settings.partitionCron, () => this.run('partition-maintenance', (c) => this.maintainPartitions(c)), {
        name: 'ingest-partition-maintenance',
        noOverlap: true,
      }),
      cron.schedule(this.settings.offlineSweepCron, () => this.run('offline-sweep', (c) => this.sweepOffline(c)), {
        name: 'ingest-offline-sweep',
        noOverlap: true,
      }),
      // Also a sweep for deadlines nobody reported on, so on the same schedule.
      cron.schedule(this.settings.offlineSweepCron, () => this.run('cooling-deadlines', (c) => this.sweepCoolingDeadlines(c)), {
        name: 'ingest-cooling-deadlines',
        noOverlap: true,
      }),
    );
  }

  async stop(): Promise<void> {
    for (const t of this.tasks) await t.destroy();
  }

  /** run wraps one job run: lock, metrics, logging. Returns false when another replica had it. */
  async run(job: string, work: (client: PoolClient) => Promise<Record<string, number>>): Promise<boolean> {
    const end = this.metrics.jobDuration.startTimer({ job });
    try {
      const result = await withTransaction(this.pool, async (client) => {
        const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0)) AS ok', [
          `ftk-job:${job}`,
        ]);
        return rows[0].ok ? await work(client) : undefined;
      });
      this.metrics.jobRuns.inc({ job, result: result ? 'success' : 'skipped' });
      if (result) this.logger.info({ job, ...result }, 'job finished');
      return Boolean(result);
    } catch (err) {
      this.metrics.jobRuns.inc({ job, result: 'failure' });
      this.logger.warn({ job, err: { message: (err as Error).message } }, 'job failed');
      return false;
    } finally {
      end();
    }
  }

  /**
   * maintainPartitions keeps a partition for every month of the retention window and three
   * months ahead, and drops what is past retention. The whole window, not only the months
   * ahead: a gateway may backfill readings as old as retention allows, and a retention
   * raised beyond what the migrations created would otherwise fail those inserts.
   */
  async maintainPartitions(client: PoolClient): Promise<Record<string, number>> {
    const created = await client.query<{ n: number }>(
      `SELECT ensure_reading_partitions(now() - $1 * interval '1 day', now() + interval '3 months') AS n`,
      [this.settings.retentionDays],
    );
    const dropped = await client.query<{ n: number }>('SELECT drop_reading_partitions_before(now() - $1 * interval \'1 day\') AS n', [
      this.settings.retentionDays,
    ]);
    const pruned = await pruneDelivered(client, OUTBOX_KEEP_DAYS);
    return { created: created.rows[0].n, dropped: dropped.rows[0].n, outboxPruned: pruned };
  }

  /**
   * sweepOffline opens SensorOffline for sensors silent (by the server's clock) for
   * SENSOR_OFFLINE_MULTIPLE × their interval, under the same per-sensor locks as ingest.
   */
  async sweepOffline(client: PoolClient): Promise<Record<string, number>> {
    const silent = `coalesce(s.last_received_at, s.created_at) < now() - s.interval_seconds * $1 * interval '1 second'
      AND NOT EXISTS (SELECT 1 FROM excursions e WHERE e.sensor_id = s.id AND e.kind = 'SensorOffline' AND e.state <> 'closed')`;
    const candidates = await client.query<{ id: string }>(`SELECT s.id FROM sensors s WHERE ${silent} ORDER BY s.id LIMIT 500`, [
      this.settings.offlineMultiple,
    ]);
    if (candidates.rows.length === 0) return { opened: 0 };
    const ids = candidates.rows.map((r) => r.id);
    await lockSensors(client, ids);
    // Re-check under the locks: a reading may have arrived in between.
    const still = await client.query<{ id: string; since: Date }>(
      `SELECT s.id, coalesce(s.last_received_at, s.created_at) AS since FROM sensors s WHERE s.id = ANY($2::uuid[]) AND ${silent}`,
      [this.settings.offlineMultiple, ids],
    );
    const sensors = await findSensorsById(client, still.rows.map((r) => r.id));
    const entries: OutboxEntry[] = [];
    const now = new Date();
    for (const row of still.rows) {
      const sensor = sensors.get(row.id)!;
      const ex = newExcursion('SensorOffline', row.since, { state: 'open', openedAt: now });
      await saveExcursion(client, { orgId: sensor.orgId, unitId: sensor.unitId, sensorId: sensor.id }, ex);
      entries.push(alertEntry({ status: 'firing', excursion: ex, severity: 'warning' }, sensor, this.settings.links));
    }
    await enqueueAlerts(client, entries, this.settings.routers);
    return { opened: entries.length };
  }

  /**
   * sweepCoolingDeadlines opens cooling cycles whose stage deadline passed with no reading since
   * (ADR 0070), under the same per-sensor locks as ingest: a probe that reports hourly must not
   * delay a CoolingTooSlow alert by an hour.
   */
  async sweepCoolingDeadlines(client: PoolClient): Promise<Record<string, number>> {
    const due = await client.query<{ sensor_id: string }>(
      `SELECT sensor_id FROM excursions
       WHERE kind = 'CoolingTooSlow' AND state = 'pending'
         AND (breach_started_at < now() - $2 * interval '1 second'
              OR (limit_c = ANY($3::float8[]) AND breach_started_at < now() - $1 * interval '1 second'))
       ORDER BY sensor_id LIMIT 500`,
      [COOLING_DUE.stage1Seconds, COOLING_DUE.stage2Seconds, COOLING_DUE.stage1Limits],
    );
    if (due.rows.length === 0) return { opened: 0 };
    const ids = due.rows.map((r) => r.sensor_id);
    await lockSensors(client, ids);
    // Read again under the locks: a reading may have moved or ended the cycle in between.
    const cycles = await liveExcursionsOf(client, ids, 'CoolingTooSlow');
    const sensors = await findSensorsById(client, ids);
    const entries: OutboxEntry[] = [];
    const now = new Date();
    for (const { sensorId, excursion } of cycles) {
      const sensor = sensors.get(sensorId);
      if (!sensor?.cooling) continue; // the unit is no longer a cooling unit: its next reading decides
      const machine = new CoolingMachine(excursion, sensor.cooling);
      machine.sweep(now);
      const owner = { orgId: sensor.orgId, unitId: sensor.unitId, sensorId };
      for (const ex of machine.touched) await saveExcursion(client, owner, ex);
      for (const event of machine.events) entries.push(alertEntry(event, sensor, this.settings.links));
    }
    await enqueueAlerts(client, entries, this.settings.routers);
    return { opened: entries.length };
  }
}
