import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';
import type { Pool } from '../../../platform/db/pool';
import type { Principal } from '../domain/roles';
import { createOrgStores } from '../stores/org-stores';
import { enforceRetention } from './retention';

const SYSTEM: Omit<Principal, 'orgId'> = { subject: 'system:retention', name: 'scheduled retention', roles: ['admin'] };

/**
 * runScheduledRetention enforces every organization's retention once per run key (the UTC
 * day): the replica whose insert into control_plane_job_runs wins does the work, the others
 * skip. Returns false when another replica already had this run.
 */
export async function runScheduledRetention(pool: Pool, defaultDays: number, logger: Logger, runKey = new Date().toISOString().slice(0, 10)): Promise<boolean> {
  const claim = await pool.query(`INSERT INTO control_plane_job_runs (job, run_key) VALUES ('retention', $1) ON CONFLICT DO NOTHING`, [runKey]);
  if (!claim.rowCount) return false;
  const orgs = await pool.query<{ id: string }>('SELECT id FROM organizations ORDER BY id');
  const summary: Record<string, number> = {};
  for (const { id } of orgs.rows) {
    const outcomes = await enforceRetention(createOrgStores(pool, id), { ...SYSTEM, orgId: id }, defaultDays);
    for (const o of outcomes) summary[o.recordClass] = (summary[o.recordClass] ?? 0) + o.deleted;
  }
  await pool.query(`UPDATE control_plane_job_runs SET finished_at = now(), outcome = $2 WHERE job = 'retention' AND run_key = $1`, [runKey, JSON.stringify(summary)]);
  logger.info({ runKey, deleted: summary, organizations: orgs.rows.length }, 'retention enforced');
  return true;
}

/** startRetentionSchedule runs retention on a cron schedule; the returned closer stops it. */
export function startRetentionSchedule(pool: Pool, schedule: string, defaultDays: number, logger: Logger): () => Promise<void> {
  const task: ScheduledTask = cron.schedule(
    schedule,
    () => runScheduledRetention(pool, defaultDays, logger).then(() => undefined, (err) => logger.warn({ err: { message: (err as Error).message } }, 'scheduled retention failed')),
    { name: 'control-plane-retention', noOverlap: true },
  );
  return async () => {
    await task.destroy();
  };
}
