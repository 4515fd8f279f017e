import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Registry } from 'prom-client';
import { createLogger } from '../../platform/logging/logger';
import { PROJECT_ROOT } from '../../platform/paths';
import { ADMIN_URL, createTestDatabase, type TestDatabase } from '../../test/helpers/postgres';
import { freePort } from '../../test/helpers/processes';
import { BackupCollector } from '../src/backup/backup-collector';
import { parseExposition, type Exposition } from './exposition';

const exec = promisify(execFile);

interface ScriptResult {
  code: number;
  stdout: string;
  stderr: string;
}

async function script(name: string, env: Record<string, string>, args: string[] = []): Promise<ScriptResult> {
  try {
    const { stdout, stderr } = await exec('bash', [join(PROJECT_ROOT, 'scripts', name), ...args], { env: { ...process.env, ...env }, timeout: 120_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('backup → restore test → verify, on the real PostgreSQL, and the pg_backup_* exporter', () => {
  let db: TestDatabase;
  let dir: string;
  let collector: BackupCollector;
  let backupEnv: Record<string, string>;
  let restoreEnv: Record<string, string>;

  const scrape = async (): Promise<Exposition> => {
    const registry = new Registry();
    await collector.scrape(registry, 10_000);
    return parseExposition(await registry.metrics());
  };
  const runs = async (kind: string) =>
    (await db.pool.query(`SELECT * FROM backup_runs WHERE kind = $1 ORDER BY started_at`, [kind])).rows;
  const manifests = () => readdirSync(dir).filter((f) => f.endsWith('.manifest.json')).sort();

  beforeAll(async () => {
    db = await createTestDatabase();
    dir = mkdtempSync(join(tmpdir(), 'backups-'));
    collector = new BackupCollector(db.pool, createLogger('test'));
    backupEnv = { BACKUP_DATABASE_URL: db.url, BACKUP_DIR: dir, BACKUP_TRIGGERED_BY: 'jest' };
    restoreEnv = { RESTORE_ADMIN_URL: ADMIN_URL, BACKUP_RECORD_URL: db.url, BACKUP_DIR: dir, BACKUP_DATABASE_NAME: db.name, BACKUP_TRIGGERED_BY: 'jest' };
    for (let i = 0; i < 3; i++) {
      await db.pool.query(
        `INSERT INTO certificate_observations (target, serial_number, subject, issuer, not_before, not_after, fingerprint_sha256)
         VALUES ($1, $2, 'CN=x', 'CN=ca', now(), now() + interval '90 days', $3)`,
        [`host${i}:443`, `0${i}`, `f${i}`],
      );
    }
  });

  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await db?.drop();
  });

  test('before any backup the exporter is up and reports no backup', async () => {
    const e = await scrape();
    expect(e.value('pg_backup_up')).toBe(1);
    expect(e.find('pg_backup_last_success_timestamp_seconds')).toHaveLength(0);
  });

  test('a backup writes the dump and its manifest, records the run, and the figures move', async () => {
    const r = await script('backup-postgres.sh', backupEnv);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const [manifestFile] = manifests();
    const manifest = JSON.parse(readFileSync(join(dir, manifestFile), 'utf8'));
    const dump = join(dir, manifest.file);
    expect(manifest.database).toBe(db.name);
    expect(manifest.size_bytes).toBe(statSync(dump).size);
    expect(manifest.row_counts.certificate_observations).toBe(3);
    expect(manifest.server_version).toMatch(/^\d+\.\d+/);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const [run] = await runs('backup');
    expect(run).toMatchObject({ result: 'success', triggered_by: 'jest', backup_file: dump, sha256: manifest.sha256, database_name: db.name });
    expect(Number(run.size_bytes)).toBe(manifest.size_bytes);

    const e = await scrape();
    const labels = { database: db.name };
    expect(e.value('pg_backup_last_success_timestamp_seconds', labels)).toBeCloseTo(run.finished_at.getTime() / 1000, 2);
    expect(e.value('pg_backup_last_start_timestamp_seconds', labels)).toBeCloseTo(run.started_at.getTime() / 1000, 2);
    expect(e.value('pg_backup_last_stored_size_bytes', labels)).toBe(manifest.size_bytes);
    expect(e.value('pg_backup_last_size_bytes', labels)).toBe(manifest.database_size_bytes);
    expect(e.value('pg_backup_count', labels)).toBe(1);
    expect(e.value('pg_backup_last_result', labels)).toBe(1);
    expect(e.value('pg_backup_info', { ...labels, backup_name: manifest.file, tool: 'pg_dump' })).toBe(1);
    expect(e.find('pg_backup_restore_verify_last_result')).toHaveLength(0);
  });

  test('the restore test restores into a scratch database, checks it against the manifest, and drops it', async () => {
    const r = await script('test-restore.sh', restoreEnv);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/OK \(\d+ checks/);
    const [run] = await runs('restore_test');
    expect(run.result).toBe('success');
    const checks = run.manifest.checks as { check: string; expected: string; actual: string }[];
    expect(checks).toContainEqual({ check: 'row_count:certificate_observations', expected: '3', actual: '3' });
    expect(checks.every((c) => c.expected === c.actual)).toBe(true);
    const scratch = await db.pool.query(`SELECT datname FROM pg_database WHERE datname = $1`, [run.manifest.scratch_database]);
    expect(scratch.rowCount).toBe(0);
    const e = await scrape();
    expect(e.value('pg_backup_restore_verify_last_result', { database: db.name })).toBe(1);
    expect(e.value('pg_backup_restore_verify_last_success_timestamp_seconds', { database: db.name })).toBeCloseTo(run.finished_at.getTime() / 1000, 2);
    expect(e.value('pg_backup_restore_verify_last_duration_seconds', { database: db.name })).toBeGreaterThan(0);
  });

  test('a corrupted backup fails verification, is recorded, and the exporter shows it', async () => {
    const before = (await scrape()).value('pg_backup_restore_verify_last_success_timestamp_seconds', { database: db.name });
    const manifest = JSON.parse(readFileSync(join(dir, manifests().pop()!), 'utf8'));
    const dump = join(dir, manifest.file);
    const bytes = readFileSync(dump);
    bytes[Math.floor(bytes.length / 2)] ^= 0xff;
    writeFileSync(dump, bytes);
    const r = await script('test-restore.sh', restoreEnv);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('checksum mismatch');
    const last = (await runs('restore_test')).pop();
    expect(last).toMatchObject({ result: 'failure' });
    expect(last.error).toContain('checksum mismatch');
    const e = await scrape();
    expect(e.value('pg_backup_restore_verify_last_result', { database: db.name })).toBe(0);
    expect(e.value('pg_backup_restore_verify_last_success_timestamp_seconds', { database: db.name })).toBe(before);
  });

  test('a restore whose data differs from the manifest fails on the row counts', async () => {
    expect((await script('backup-postgres.sh', backupEnv)).code).toBe(0);
    const file = join(dir, manifests().pop()!);
    const manifest = JSON.parse(readFileSync(file, 'utf8'));
    manifest.row_counts.certificate_observations = 4;
    writeFileSync(file, JSON.stringify(manifest));
    const r = await script('test-restore.sh', restoreEnv, [file]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('certificate_observations has 3 rows, manifest says 4');
    expect((await runs('restore_test')).pop()).toMatchObject({ result: 'failure' });
  });

  test('a failed backup exits non-zero, is in the history with its error, and in the metrics', async () => {
    const deadUrl = `postgres://postgres@127.0.0.1:${await freePort()}/${db.name}`;
    const r = await script('backup-postgres.sh', { ...backupEnv, BACKUP_DATABASE_URL: deadUrl, BACKUP_RECORD_URL: db.url });
    expect(r.code).not.toBe(0);
    const failed = (await runs('backup')).filter((x) => x.result === 'failure');
    expect(failed).toHaveLength(1);
    expect(failed[0].error).toMatch(/snapshot session|connection|refused/i);
    expect(readdirSync(dir).filter((f) => f.startsWith('.'))).toEqual([]);
    const e = await scrape();
    expect(e.value('pg_backup_last_failure_timestamp_seconds', { database: db.name })).toBeCloseTo(failed[0].finished_at.getTime() / 1000, 2);
    expect(e.value('pg_backup_last_result', { database: db.name })).toBe(0);
  });

  test('retention keeps the newest backup per day, ISO week and month and marks the rest removed', async () => {
    for (const stamp of ['20260115T010000000Z', '20260210T010000000Z', '20260305T010000000Z']) {
      writeFileSync(join(dir, `${db.name}-${stamp}.dump`), 'old');
      writeFileSync(join(dir, `${db.name}-${stamp}.manifest.json`), '{}');
    }
    const r = await script('backup-postgres.sh', { ...backupEnv, BACKUP_KEEP_DAILY: '1', BACKUP_KEEP_WEEKLY: '1', BACKUP_KEEP_MONTHLY: '2' });
    expect(r.code).toBe(0);
    const dumps = readdirSync(dir).filter((f) => f.endsWith('.dump')).sort();
    expect(dumps).toHaveLength(2);
    expect(dumps[0]).toBe(`${db.name}-20260305T010000000Z.dump`);
    const retained = await db.pool.query(`SELECT count(*)::int AS n FROM backup_runs WHERE kind = 'backup' AND result = 'success' AND removed_at IS NULL`);
    expect(retained.rows[0].n).toBe(1);
    expect((await scrape()).value('pg_backup_count', { database: db.name })).toBe(1);
  });

  test('a missing setting is refused with its name', async () => {
    const r = await script('backup-postgres.sh', { BACKUP_DIR: dir, BACKUP_DATABASE_URL: '' });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('BACKUP_DATABASE_URL is not set');
  });
});
