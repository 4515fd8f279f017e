import { createLogger } from '../../platform/logging/logger';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/postgres';
import { runScheduledRetention } from '../src/services/retention-scheduler';

// Real processes on a shared 2-core machine: generous time for start-up and each test.
jest.setTimeout(150_000);

describe('scheduled retention (in-process, real PostgreSQL)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db?.drop());

  test('runs once per day across replicas, deletes past retention, honours legal holds, audits the purge', async () => {
    const org = async (slug: string) => (await db.pool.query(`INSERT INTO organizations (slug, name) VALUES ($1, $1) RETURNING id`, [slug])).rows[0].id as string;
    const free = await org('free');
    const held = await org('held');
    for (const id of [free, held]) {
      await db.pool.query(
        `INSERT INTO deployments (org_id, version, environment, result, recorded_by, recorded_at)
         VALUES ($1, 'old', 'prod', 'success', 'x', now() - interval '800 days'), ($1, 'new', 'prod', 'success', 'x', now() - interval '1 day')`,
        [id],
      );
    }
    await db.pool.query(`INSERT INTO legal_holds (org_id, record_class, reason, placed_by) VALUES ($1, NULL, 'regulator inquiry', 'u')`, [held]);
    const logger = createLogger('test');

    const [a, b] = await Promise.all([runScheduledRetention(db.pool, 730, logger, '2026-11-25'), runScheduledRetention(db.pool, 730, logger, '2026-11-25')]);
    expect([a, b].sort()).toEqual([false, true]);

    const left = await db.pool.query(`SELECT o.slug, array_agg(d.version ORDER BY d.version) AS versions FROM deployments d JOIN organizations o ON o.id = d.org_id GROUP BY o.slug ORDER BY o.slug`);
    expect(left.rows).toEqual([{ slug: 'free', versions: ['new'] }, { slug: 'held', versions: ['new', 'old'] }]);
    const audit = await db.pool.query(`SELECT actor, action, entity_id, after FROM audit_log WHERE org_id = $1`, [free]);
    expect(audit.rows).toEqual([{ actor: 'system:retention', action: 'purge', entity_id: 'deployments', after: { retainDays: 730, deleted: 1 } }]);
    const run = await db.pool.query(`SELECT outcome FROM control_plane_job_runs WHERE job = 'retention' AND run_key = '2026-11-25'`);
    expect(run.rows[0].outcome).toMatchObject({ deployments: 1 });
  });
});
