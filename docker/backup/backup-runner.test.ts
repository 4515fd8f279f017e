import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from '../../platform/paths';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/postgres';

/**
 * The compose `backup` service's entry point, run for real against the test PostgreSQL: it
 * reads the database URL from its Docker-secret file and drives the exporters' backup and
 * restore-test scripts, which record each run in backup_runs.
 */
const run = promisify(execFile);
const RUNNER = join(PROJECT_ROOT, 'docker', 'backup', 'backup-runner.sh');

describe('docker/backup/backup-runner.sh', () => {
  let db: TestDatabase;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    db = await createTestDatabase();
    dir = mkdtempSync(join(tmpdir(), 'backup-runner-'));
    writeFileSync(join(dir, 'backup_database_url'), `${db.url}\n`);
    env = {
      ...process.env,
      BACKUP_DATABASE_URL_FILE: join(dir, 'backup_database_url'),
      BACKUP_DIR: join(dir, 'backups'),
      BACKUP_DATABASE_NAME: db.name,
      FRESHTRACK_SCRIPTS_DIR: join(PROJECT_ROOT, 'scripts'),
    };
  });
  afterAll(async () => {
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('`once` takes a backup from the secret file URL, recorded as triggered by the deploy', async () => {
    await run(RUNNER, ['once'], { env });
    const files = readdirSync(join(dir, 'backups'));
    expect(files.filter((f) => f.endsWith('.dump'))).toHaveLength(1);
    expect(files.filter((f) => f.endsWith('.manifest.json'))).toHaveLength(1);
    const { rows } = await db.pool.query(`SELECT kind, result, triggered_by, database_name FROM backup_runs`);
    expect(rows).toEqual([{ kind: 'backup', result: 'success', triggered_by: 'deploy', database_name: db.name }]);
  }, 60_000);

  test('`restore-test` restores the newest dump on the same server and records the result', async () => {
    await run(RUNNER, ['restore-test'], { env });
    const { rows } = await db.pool.query(`SELECT result, triggered_by FROM backup_runs WHERE kind = 'restore_test'`);
    expect(rows).toEqual([{ result: 'success', triggered_by: 'manual' }]);
  }, 60_000);

  test('an unknown mode or a missing secret is refused', async () => {
    await expect(run(RUNNER, ['hourly'], { env })).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('usage: backup-runner.sh') });
    const missing = { ...env, BACKUP_DATABASE_URL_FILE: join(dir, 'nope') };
    await expect(run(RUNNER, ['once'], { env: missing })).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('nope') });
  });
});
