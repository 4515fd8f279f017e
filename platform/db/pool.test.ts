import { setTimeout as sleep } from 'node:timers/promises';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/postgres';
import { withTransaction } from './pool';

describe('withTransaction on real PostgreSQL', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase({ migrated: false });
  });
  afterAll(async () => {
    await db.drop();
  });

  test('a connection lost between two queries fails the unit of work, not the process, and the client is not reused', async () => {
    const pids = new Set<number>();
    const work = withTransaction(db.pool, async (client) => {
      const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      pids.add(rows[0].pid);
      await db.pool.query('SELECT pg_terminate_backend($1)', [rows[0].pid]);
      await sleep(200); // the client's 'error' event arrives while no query of ours is running
      await client.query('SELECT 1');
    });
    await expect(work).rejects.toThrow();
    const next = await withTransaction(db.pool, async (client) => (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid);
    expect(pids.has(next)).toBe(false);
  });
});
