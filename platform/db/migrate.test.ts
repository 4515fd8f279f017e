import { createPool } from './pool';
import { loadMigrations, migrate, pendingMigrations } from './migrate';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/postgres';
import { startFreshtrack } from '../../test/helpers/processes';

describe('migrations on a real PostgreSQL', () => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await createTestDatabase({ migrated: false });
  });
  afterEach(async () => {
    await db.drop();
  });

  test('apply once, then are a no-op', async () => {
    const all = loadMigrations();
    expect(await pendingMigrations(db.pool)).toEqual(all.map((m) => m.version));
    const first = await migrate(db.pool);
    expect(first.applied).toEqual(all.map((m) => `${m.version}_${m.name}`));
    const second = await migrate(db.pool);
    expect(second).toEqual({ applied: [], alreadyApplied: all.length });
    expect(await pendingMigrations(db.pool)).toEqual([]);
  });

  test('concurrent runners in one process apply each migration exactly once', async () => {
    const pools = [createPool(db.url, { max: 1 }), createPool(db.url, { max: 1 }), createPool(db.url, { max: 1 })];
    try {
      const results = await Promise.all(pools.map((p) => migrate(p)));
      const appliedCounts = results.map((r) => r.applied.length).sort();
      expect(appliedCounts).toEqual([0, 0, loadMigrations().length]);
      const { rows } = await db.pool.query('SELECT version, count(*)::int AS n FROM schema_migrations GROUP BY version');
      expect(rows.every((r) => r.n === 1)).toBe(true);
    } finally {
      await Promise.all(pools.map((p) => p.end()));
    }
  });

  test('two `freshtrack migrate` processes started together both succeed', async () => {
    const env = { DATABASE_URL: db.url };
    const runs = [startFreshtrack(['migrate'], env), startFreshtrack(['migrate'], env)];
    const codes = await Promise.all(runs.map((r) => r.exited));
    expect(codes).toEqual([0, 0]);
    const outputs = runs.map((r) => r.output());
    expect(outputs.filter((o) => /applied \d+ migration/.test(o))).toHaveLength(1);
    expect(outputs.filter((o) => /database is up to date/.test(o))).toHaveLength(1);
  });

  test('a migration edited after it was applied is refused', async () => {
    const [first] = loadMigrations();
    await migrate(db.pool, [first]);
    await expect(migrate(db.pool, [{ ...first, checksum: 'edited' }])).rejects.toThrow(/changed after it was applied/);
  });
});
