import { createServer, type Server, type Socket } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { createLogger } from '../../platform/logging/logger';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/postgres';
import { waitFor } from '../../test/helpers/processes';
import { BackupScheduler } from '../src/backup/backup-scheduler';

describe('BackupScheduler shutdown', () => {
  let db: TestDatabase;
  let blackhole: Server;
  const sockets = new Set<Socket>();
  let dir: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    dir = mkdtempSync(join(tmpdir(), 'backup-stop-'));
    // Accepts connections and never answers: a database that hangs.
    blackhole = createServer((s) => sockets.add(s));
    await new Promise<void>((r) => blackhole.listen(0, '127.0.0.1', r));
  });

  afterAll(async () => {
    for (const s of sockets) s.destroy();
    blackhole.close();
    rmSync(dir, { recursive: true, force: true });
    await db?.drop();
  });

  test('a job still running when the grace period ends is stopped and recorded as failed', async () => {
    const port = (blackhole.address() as AddressInfo).port;
    const registry = new Registry();
    const scheduler = new BackupScheduler(
      { databaseUrl: `postgres://postgres@127.0.0.1:${port}/${db.name}`, recordUrl: db.url, directory: dir, keep: { daily: 1, weekly: 0, monthly: 0 } },
      db.pool,
      createLogger('test'),
      registry,
    );
    const exit = scheduler.run('backup', 'jest');
    await waitFor(async () => (await db.pool.query(`SELECT 1 FROM backup_runs WHERE result = 'running'`)).rowCount === 1, 30_000);
    await scheduler.stop(200);
    expect(await exit).toBe(143);
    const { rows } = await db.pool.query(`SELECT result, error, finished_at FROM backup_runs`);
    expect(rows).toHaveLength(1);
    expect(rows[0].result).toBe('failure');
    expect(rows[0].finished_at).not.toBeNull();
    expect(await registry.getSingleMetricAsString('freshtrack_backup_job_runs_total')).toContain('result="failure"} 1');
  }, 60_000);
});
