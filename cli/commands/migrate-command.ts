import { parseFlags } from '../../platform/config/flags';
import { parseDatabaseConfig } from '../../platform/db/database-config';
import { openDatabase } from '../../platform/db/open-database';
import { createLogger } from '../../platform/logging/logger';
import { migrate } from '../../platform/db/migrate';
import type { Command } from '../command';

export const migrateCommand: Command = {
  name: 'migrate',
  summary: 'Apply pending database migrations and exit',
  help: `Usage: freshtrack migrate

Applies the versioned SQL migrations under migrations/ in one transaction holding an
advisory lock, so replicas starting together are safe. Every role also migrates at start-up.

Environment:
  DATABASE_URL, DATABASE_URL_FILE  PostgreSQL; unset = the embedded database in FRESHTRACK_DATA_DIR`,
  async run(argv, env) {
    parseFlags(argv, {});
    const logger = createLogger('migrate');
    const db = await openDatabase(parseDatabaseConfig(env), logger, { migrate: false });
    try {
      const result = await migrate(db.pool);
      process.stdout.write(
        result.applied.length
          ? `applied ${result.applied.length} migration(s): ${result.applied.join(', ')}\n`
          : `database is up to date (${result.alreadyApplied} migration(s) applied earlier)\n`,
      );
    } finally {
      await db.close();
    }
  },
};
