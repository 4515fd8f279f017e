import { spawn, type ChildProcess } from 'node:child_process';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { schedule, type ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';
import { Counter, Gauge, type Registry } from 'prom-client';
import { trace } from '@opentelemetry/api';
import { PROJECT_ROOT } from '../../../platform/paths';
import { withTransaction, type Pool } from '../../../platform/db/pool';

export type BackupJob = 'backup' | 'restore_test';

export interface BackupScheduleConfig {
  /** Database to back up, directly (not through PgBouncer). */
  databaseUrl: string;
  /** Database holding backup_runs (default databaseUrl). */
  recordUrl?: string;
  /** Server the restore test creates its scratch database on (default: databaseUrl's server, database postgres). */
  restoreAdminUrl?: string;
  directory: string;
  keep: { daily: number; weekly: number; monthly: number };
  /** Cron expressions (node-cron, UTC); a job without one is not scheduled. */
  backupSchedule?: string;
  restoreTestSchedule?: string;
}

const SCRIPTS: Record<BackupJob, string> = { backup: 'backup-postgres.sh', restore_test: 'test-restore.sh' };

/**
 * BackupScheduler runs scripts/backup-postgres.sh and scripts/test-restore.sh on cron
 * schedules from the exporters role. Every replica schedules them; a transaction-scoped
 * advisory lock plus a (job, scheduled time) claim row lets exactly one replica run each
 * slot, without holding any session or transaction while the script runs.
 */
export class BackupScheduler {
  private readonly tasks: ScheduledTask[] = [];
  private readonly runs: Counter<'job' | 'result'>;
  private readonly lastSuccess: Gauge<'job'>;
  private readonly duration: Gauge<'job'>;
  private readonly owner = `${hostname()}:${process.pid}`;
  /** Jobs in flight: shutdown waits for them, so a script is never cut off mid-write. */
  private readonly inFlight = new Set<Promise<number>>();
  private readonly children = new Set<ChildProcess>();

  constructor(
    private readonly config: BackupScheduleConfig,
    private readonly pool: Pool,
    private readonly logger: Logger,
    registry: Registry,
  ) {
    this.runs = new Counter({ name: 'freshtrack_backup_job_runs_total', help: 'Backup and restore-test jobs run by this replica, by result', labelNames: ['job', 'result'], registers: [registry] });
    this.lastSuccess = new Gauge({ name: 'freshtrack_backup_job_last_success_timestamp_seconds', help: 'When a job run by this replica last succeeded', labelNames: ['job'], registers: [registry] });
    this.duration = new Gauge({ name: 'freshtrack_backup_job_duration_seconds', help: 'Duration of the last job run by this replica', labelNames: ['job'], registers: [registry] });
  }

  start(): void {
    const jobs: [BackupJob, string | undefined][] = [
      ['backup', this.config.backupSchedule],
      ['restore_test', this.config.restoreTestSchedule],
    ];
    for (const [job, expression] of jobs) {
      if (!expression) continue;
      this.tasks.push(
        schedule(expression, (ctx) => this.runScheduled(job, ctx.date), { name: `freshtrack-${job}`, noOverlap: true, timezone: 'Etc/UTC' }),
      );
      this.logger.info({ job, schedule: expression }, 'backup job scheduled');
    }
  }

  /**
   * stop lets running jobs finish for up to `graceMs`, then sends them SIGTERM: the scripts
   * trap it, record the run as failed and remove their partial files.
   */
  async stop(graceMs = 60_000): Promise<void> {
    await Promise.all(this.tasks.map((t) => t.destroy()));
    const all = Promise.all([...this.inFlight]);
    let timer: NodeJS.Timeout | undefined;
    const expired = await Promise.race([all.then(() => false), new Promise<boolean>((r) => (timer = setTimeout(() => r(true), graceMs)))]);
    clearTimeout(timer);
    if (expired) {
      this.logger.warn({ jobs: this.children.size }, 'stopping backup jobs still running at shutdown');
      // The whole process group: the script, its psql session and pg_dump.
      for (const child of this.children) if (child.pid) process.kill(-child.pid, 'SIGTERM');
      await all;
    }
  }

  /** claim returns true when this replica won the slot (job, scheduledFor). */
  async claim(job: BackupJob, scheduledFor: Date): Promise<boolean> {
    return withTransaction(this.pool, async (client) => {
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`freshtrack.backup-job:${job}`]);
      const r = await client.query(
        `INSERT INTO backup_job_claims (job, scheduled_for, claimed_by) VALUES ($1, date_trunc('second', $2::timestamptz), $3)
         ON CONFLICT DO NOTHING`,
        [job, scheduledFor.toISOString(), this.owner],
      );
      return (r.rowCount ?? 0) > 0;
    });
  }

  private async runScheduled(job: BackupJob, scheduledFor: Date): Promise<void> {
    try {
      if (!(await this.claim(job, scheduledFor))) {
        this.logger.info({ job, scheduledFor }, 'another replica runs this slot');
        return;
      }
      await this.run(job, 'schedule');
    } catch (err) {
      this.logger.error({ err, job }, 'scheduled backup job failed to start');
    }
  }

  /** run executes one job now; resolves with the script's exit code (its history row is written by the script). */
  async run(job: BackupJob, triggeredBy: string): Promise<number> {
    const running = this.execute(job, triggeredBy);
    this.inFlight.add(running);
    try {
      return await running;
    } finally {
      this.inFlight.delete(running);
    }
  }

  private async execute(job: BackupJob, triggeredBy: string): Promise<number> {
    const span = trace.getTracer('freshtrack').startSpan(`exporters.backup.${job}`);
    const started = performance.now();
    const code = await new Promise<number>((resolve) => {
      const child = spawn('bash', [join(PROJECT_ROOT, 'scripts', SCRIPTS[job])], {
        env: this.env(triggeredBy),
        stdio: ['ignore', 'pipe', 'pipe'],
        // Its own process group, so stop() can signal pg_dump and psql along with the script.
        detached: true,
      });
      this.children.add(child);
      let output = '';
      child.stdout.on('data', (c: Buffer) => (output += c.toString()));
      child.stderr.on('data', (c: Buffer) => (output += c.toString()));
      child.on('error', (err) => {
        output += err.message;
        resolve(127);
      });
      child.on('close', (exit) => {
        this.children.delete(child);
        const level = exit === 0 ? 'info' : 'error';
        this.logger[level]({ job, exit, output: output.trim().slice(-2000) }, `${job} finished`);
        resolve(exit ?? 1);
      });
    });
    const result = code === 0 ? 'success' : 'failure';
    this.runs.inc({ job, result });
    this.duration.set({ job }, (performance.now() - started) / 1000);
    if (code === 0) this.lastSuccess.set({ job }, Date.now() / 1000);
    span.setAttribute('exit_code', code);
    span.end();
    return code;
  }

  private env(triggeredBy: string): NodeJS.ProcessEnv {
    const c = this.config;
    const admin = new URL(c.databaseUrl);
    admin.pathname = '/postgres';
    const database = decodeURIComponent(new URL(c.databaseUrl).pathname.slice(1));
    return {
      ...process.env,
      BACKUP_DATABASE_URL: c.databaseUrl,
      BACKUP_RECORD_URL: c.recordUrl ?? c.databaseUrl,
      RESTORE_ADMIN_URL: c.restoreAdminUrl ?? admin.toString(),
      BACKUP_DIR: c.directory,
      BACKUP_DATABASE_NAME: database,
      BACKUP_KEEP_DAILY: String(c.keep.daily),
      BACKUP_KEEP_WEEKLY: String(c.keep.weekly),
      BACKUP_KEEP_MONTHLY: String(c.keep.monthly),
      BACKUP_TRIGGERED_BY: triggeredBy,
    };
  }
}
