import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/postgres';
import { freePort, startFreshtrack, waitFor, type RunningProcess } from '../../test/helpers/processes';

describe('scheduled backups from the exporters role, two replicas', () => {
  let db: TestDatabase;
  let dir: string;
  const replicas: RunningProcess[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    dir = mkdtempSync(join(tmpdir(), 'scheduled-backups-'));
  });

  afterAll(async () => {
    for (const r of replicas) await r.stop();
    rmSync(dir, { recursive: true, force: true });
    await db?.drop();
  });

  test('each scheduled slot runs exactly once across replicas, and every run is in the history', async () => {
    const config = join(dir, 'exporters.yml');
    writeFileSync(
      config,
      `backup:\n  database_url: ${db.url}\n  directory: ${join(dir, 'dumps')}\n  schedule: "*/3 * * * * *"\n  keep: {daily: 2, weekly: 1, monthly: 1}\n`,
    );
    for (let i = 0; i < 2; i++) {
      const p = startFreshtrack(['exporters', `--web.listen-address=127.0.0.1:${await freePort()}`, `--config.file=${config}`], { DATABASE_URL: db.url });
      replicas.push(p);
      await p.waitForOutput(/FreshTrack Pro is running/, 60_000);
    }
    const succeeded = async () =>
      (await db.pool.query(`SELECT count(*)::int AS n FROM backup_runs WHERE kind = 'backup' AND result = 'success' AND triggered_by = 'schedule'`)).rows[0].n as number;
    await waitFor(async () => (await succeeded()) >= 3, 90_000, 500);
    // Shutdown waits for jobs in flight, so nothing is left running or cut off.
    for (const r of replicas) expect(await r.stop()).toBe(0);
    const runs = (await db.pool.query(`SELECT result, count(*)::int AS n FROM backup_runs WHERE kind = 'backup' GROUP BY result`)).rows;
    expect(runs).toEqual([{ result: 'success', n: await succeeded() }]);
    const claims = (await db.pool.query(`SELECT scheduled_for, claimed_by FROM backup_job_claims WHERE job = 'backup'`)).rows;
    expect(claims).toHaveLength(await succeeded());
    // Both replicas scheduled the job; which one runs a slot depends on timing (a replica still
    // busy with the previous slot skips it), so only the claims decide who ran what.
    expect(replicas.every((r) => r.output().includes('backup job scheduled'))).toBe(true);
    expect(new Set(claims.map((c) => c.scheduled_for.getTime())).size).toBe(claims.length);
    // Retention (keep 1) leaves the newest dump; a run overlapping a newer one also keeps its own.
    const files = readdirSync(join(dir, 'dumps')).filter((f) => f.endsWith('.dump'));
    const newest = (await db.pool.query(`SELECT backup_file FROM backup_runs ORDER BY backup_file DESC LIMIT 1`)).rows[0].backup_file as string;
    expect(files).toContain(newest.split('/').pop());
    expect(files.length).toBeLessThanOrEqual(2);
  }, 150_000);
});
