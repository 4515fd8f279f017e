import { createHash, randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { loadMigrations, migrate } from '../../platform/db/migrate';
import { createPool, type Pool } from '../../platform/db/pool';

/** The real PostgreSQL the tests use; CI starts it (see .ci/run). */
export const ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export function databaseUrl(name: string, base = ADMIN_URL): string {
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

/** templateName changes whenever a migration changes, so a stale template is never cloned. */
export function templateName(): string {
  const digest = createHash('sha256');
  for (const m of loadMigrations()) digest.update(m.version).update(m.checksum);
  return `freshtrack_tpl_${digest.digest('hex').slice(0, 12)}`;
}

async function admin<T>(fn: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** ensureTemplateDatabase creates and migrates the template once (jest global setup). */
export async function ensureTemplateDatabase(): Promise<string> {
  const name = templateName();
  const exists = await admin((c) => c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]));
  if (exists.rowCount) return name;
  const building = `${name}_build_${randomBytes(3).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${building}`));
  const pool = createPool(databaseUrl(building), { max: 1 });
  try {
    await migrate(pool);
  } finally {
    await pool.end();
  }
  // Renaming is atomic, so a concurrent run never clones a half-migrated template.
  await admin(async (c) => {
    const again = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (again.rowCount) await c.query(`DROP DATABASE ${building}`);
    else await c.query(`ALTER DATABASE ${building} RENAME TO ${name}`);
  });
  return name;
}

export interface TestDatabase {
  name: string;
  url: string;
  pool: Pool;
  drop(): Promise<void>;
}

/**
 * createTestDatabase clones the migrated template into a database of the test's own, so
 * test files run in parallel and leave nothing behind once `drop()` runs.
 */
export async function createTestDatabase(opts: { migrated?: boolean } = {}): Promise<TestDatabase> {
  const name = `freshtrack_test_${randomBytes(6).toString('hex')}`;
  if (opts.migrated === false) await admin((c) => c.query(`CREATE DATABASE ${name}`));
  else await admin((c) => c.query(`CREATE DATABASE ${name} TEMPLATE ${templateName()}`));
  const url = databaseUrl(name);
  const pool = createPool(url, { max: 5 });
  return {
    name,
    url,
    pool,
    async drop() {
      await pool.end();
      await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}
