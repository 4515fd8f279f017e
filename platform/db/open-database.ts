import { join } from 'node:path';
import type { Logger } from 'pino';
import type { DatabaseConfig } from './database-config';
import { startEmbeddedPostgres } from './embedded';
import { migrate } from './migrate';
import { createPool, type Pool } from './pool';

export interface OpenDatabase {
  pool: Pool;
  embedded: boolean;
  close(): Promise<void>;
}

/**
 * openDatabase connects to DATABASE_URL, or starts the embedded PostgreSQL when it is unset,
 * and applies pending migrations (under the migration lock) unless told not to.
 */
export async function openDatabase(
  config: DatabaseConfig,
  logger: Logger,
  opts: { migrate?: boolean; applicationName?: string } = {},
): Promise<OpenDatabase> {
  let url = config.url;
  let stopEmbedded: (() => Promise<void>) | undefined;
  if (!url) {
    const dataDir = join(config.dataDir, 'pg');
    const embedded = await startEmbeddedPostgres({ dataDir, port: config.embeddedPort, maxConnections: config.poolMax * 2 + 4 });
    url = embedded.url;
    stopEmbedded = embedded.stop;
    logger.info({ dataDir }, 'embedded PostgreSQL started (set DATABASE_URL to use a server)');
  }
  const pool = createPool(url, { max: config.poolMax, applicationName: opts.applicationName });
  if (opts.migrate !== false) {
    const result = await migrate(pool);
    if (result.applied.length) logger.info({ applied: result.applied }, 'migrations applied');
  }
  return {
    pool,
    embedded: Boolean(stopEmbedded),
    async close() {
      await pool.end();
      await stopEmbedded?.();
    },
  };
}
