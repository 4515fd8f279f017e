import { pendingMigrations } from './migrate';
import type { Pool } from './pool';

/** databaseReadiness throws while the database is unreachable or migrations are pending. */
export function databaseReadiness(pool: Pool): () => Promise<void> {
  return async () => {
    let pending: string[];
    try {
      pending = await pendingMigrations(pool);
    } catch (err) {
      throw new Error(`database unreachable: ${(err as Error).message}`);
    }
    if (pending.length) throw new Error(`migrations pending: ${pending.join(', ')}`);
  };
}
