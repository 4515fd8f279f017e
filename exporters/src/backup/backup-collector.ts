import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Pool } from '../../../platform/db/pool';
import { MetricSink } from '../metric-sink';

/**
 * One row per database: everything the pg_backup_* metrics need, read by one statement so a
 * scrape is one snapshot of backup_runs. Epoch values come back as text (numeric).
 */
const BACKUP_STATE_SQL = `
WITH dbs AS (SELECT DISTINCT database_name FROM backup_runs)
SELECT d.database_name,
  extract(epoch FROM ls.started_at) AS last_start,
  extract(epoch FROM ls.finished_at) AS last_success,
  ls.size_bytes AS last_stored_size,
  ls.manifest->>'database_size_bytes' AS last_size,
  ls.manifest->>'file' AS last_name,
  ls.server_version AS last_version,
  extract(epoch FROM lf.finished_at) AS last_failure,
  la.result AS last_result,
  retained.n AS retained_count,
  extract(epoch FROM retained.oldest) AS retained_oldest,
  extract(epoch FROM rs.finished_at) AS restore_last_success,
  extract(epoch FROM rl.started_at) AS restore_last_run,
  rl.result AS restore_last_result,
  extract(epoch FROM rl.finished_at - rl.started_at) AS restore_last_duration
FROM dbs d
LEFT JOIN LATERAL (SELECT * FROM backup_runs WHERE kind = 'backup' AND database_name = d.database_name AND result = 'success'
                   ORDER BY finished_at DESC LIMIT 1) ls ON true
LEFT JOIN LATERAL (SELECT finished_at FROM backup_runs WHERE kind = 'backup' AND database_name = d.database_name AND result = 'failure'
                   ORDER BY finished_at DESC NULLS LAST LIMIT 1) lf ON true
LEFT JOIN LATERAL (SELECT result FROM backup_runs WHERE kind = 'backup' AND database_name = d.database_name AND result <> 'running'
                   ORDER BY started_at DESC LIMIT 1) la ON true
LEFT JOIN LATERAL (SELECT count(*) AS n, min(started_at) AS oldest FROM backup_runs
                   WHERE kind = 'backup' AND database_name = d.database_name AND result = 'success' AND removed_at IS NULL) retained ON true
LEFT JOIN LATERAL (SELECT finished_at FROM backup_runs WHERE kind = 'restore_test' AND database_name = d.database_name AND result = 'success'
                   ORDER BY finished_at DESC LIMIT 1) rs ON true
LEFT JOIN LATERAL (SELECT started_at, finished_at, result FROM backup_runs WHERE kind = 'restore_test' AND database_name = d.database_name
                   AND result <> 'running' ORDER BY started_at DESC LIMIT 1) rl ON true
ORDER BY d.database_name`;

type StateRow = Record<string, string | number | null>;

/** BACKUP_METRICS maps columns of BACKUP_STATE_SQL to the pg_backup_* names of exporters.md §3. */
const BACKUP_METRICS: { column: string; name: string; help: string }[] = [
  { column: 'last_success', name: 'pg_backup_last_success_timestamp_seconds', help: 'Completion time of the newest successful backup' },
  { column: 'last_start', name: 'pg_backup_last_start_timestamp_seconds', help: 'Start time of the newest successful backup' },
  { column: 'last_size', name: 'pg_backup_last_size_bytes', help: 'Size of the database the newest successful backup covers (uncompressed)' },
  { column: 'last_stored_size', name: 'pg_backup_last_stored_size_bytes', help: 'Bytes the newest successful backup takes in the repository' },
  { column: 'last_failure', name: 'pg_backup_last_failure_timestamp_seconds', help: 'Time of the last failed backup attempt' },
  { column: 'retained_count', name: 'pg_backup_count', help: 'Successful backups still retained' },
  { column: 'retained_oldest', name: 'pg_backup_oldest_timestamp_seconds', help: 'Start time of the oldest retained backup (start of the recovery window)' },
  { column: 'restore_last_success', name: 'pg_backup_restore_verify_last_success_timestamp_seconds', help: 'Completion time of the last successful restore test (restore + checks)' },
  { column: 'restore_last_run', name: 'pg_backup_restore_verify_last_run_timestamp_seconds', help: 'Start time of the most recent finished restore test' },
  { column: 'restore_last_duration', name: 'pg_backup_restore_verify_last_duration_seconds', help: 'Duration of the most recent finished restore test' },
];

function numeric(v: string | number | null | undefined): number | undefined {
  if (v === null || v === undefined) return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

/**
 * BackupCollector exports the backup and restore-test history in backup_runs as pg_backup_*
 * gauges, per database. Timestamps, not ages: PromQL computes `time() - x`.
 */
export class BackupCollector {
  readonly name = 'backup';

  constructor(
    private readonly pool: Pool,
    private readonly logger: Logger,
  ) {}

  async scrape(registry: Registry, timeoutMs: number): Promise<{ errors: string[] }> {
    const sink = new MetricSink(registry);
    let up = false;
    const errors: string[] = [];
    try {
      const rows = await withTimeout(this.pool.query<StateRow>(BACKUP_STATE_SQL), timeoutMs);
      for (const row of rows.rows) emitDatabase(sink, row);
      up = true;
    } catch (err) {
      errors.push((err as Error).message);
      this.logger.warn({ err }, 'cannot read backup_runs');
    } finally {
      sink.gauge('pg_backup_up', 'Whether the backup metadata could be read on this scrape', up ? 1 : 0);
    }
    return { errors };
  }
}

function emitDatabase(sink: MetricSink, row: StateRow): void {
  const labels = { database: String(row.database_name) };
  for (const m of BACKUP_METRICS) {
    const value = numeric(row[m.column]);
    if (value !== undefined) sink.gauge(m.name, m.help, value, labels);
  }
  const start = numeric(row.last_start);
  const end = numeric(row.last_success);
  if (start !== undefined && end !== undefined) {
    sink.gauge('pg_backup_last_duration_seconds', 'Duration (stop − start) of the newest successful backup', end - start, labels);
  }
  if (row.last_result) {
    sink.gauge('pg_backup_last_result', 'Result of the most recent finished backup attempt (1 success, 0 failure)', row.last_result === 'success' ? 1 : 0, labels);
  }
  if (row.restore_last_result) {
    sink.gauge('pg_backup_restore_verify_last_result', 'Result of the most recent restore test (1 ok, 0 failed)', row.restore_last_result === 'success' ? 1 : 0, labels);
  }
  if (row.last_name) {
    sink.gauge('pg_backup_info', 'Identity of the newest successful backup', 1, {
      ...labels,
      tool: 'pg_dump',
      backup_type: 'full',
      backup_name: String(row.last_name),
      version: String(row.last_version ?? ''),
    });
  }
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`backup_runs query timed out after ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
