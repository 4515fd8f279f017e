import type { PoolClient } from '../../platform/db/pool';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/postgres';
import { createOrg, type OrgFixture } from './ingest-fixtures';

// Every ingest write transaction opens with ingest_begin_write, which looks up each sensor a
// request names by (organization, external id). Its cost must follow the sensors named, not
// the size of their organization, and not only once the table has statistics: a new
// database, or an organization that just provisioned its fleet, has none until autovacuum's
// next ANALYZE (migration 0440).
const ORG_SENSORS = 400;
const NAMED = 125;

let db: TestDatabase;
let org: OrgFixture;
let externalIds: string[];

beforeAll(async () => {
  db = await createTestDatabase();
  org = await createOrg(db.pool, { sensors: 0 });
  const { rows } = await db.pool.query<{ external_id: string }>(
    `INSERT INTO sensors (org_id, unit_id, external_id) SELECT $1, $2, 'lookup-' || g FROM generate_series(1, $3) g RETURNING external_id`,
    [org.orgId, org.unitId, ORG_SENSORS],
  );
  externalIds = rows.map((r) => r.external_id);
});

afterAll(async () => {
  await db?.drop();
});

/** Index entries of sensors (org_id, external_id) read so far, this backend's own included. */
async function lookupEntriesRead(client: PoolClient): Promise<number> {
  // The backend's counters reach the shared statistics when it next goes idle.
  await client.query('SELECT pg_stat_force_next_flush()');
  const { rows } = await client.query<{ n: string }>(
    `SELECT idx_tup_read AS n FROM pg_stat_user_indexes WHERE indexrelname = 'sensors_org_id_external_id_key'`,
  );
  return Number(rows[0].n);
}

async function beginWriteNaming(client: PoolClient, named: string[]): Promise<number> {
  await client.query('BEGIN');
  try {
    const { rows } = await client.query(`SELECT * FROM ingest_begin_write($1::uuid[], $2::text[], NULL, NULL, NULL, NULL, NULL)`, [
      named.map(() => org.keyId),
      named,
    ]);
    return rows.length;
  } finally {
    await client.query('ROLLBACK');
  }
}

describe('ingest_begin_write sensor lookup', () => {
  it.each([
    ['before sensors has statistics', false],
    ['after ANALYZE', true],
  ])('reads at most one index entry per sensor named, %s', async (_, analyzed) => {
    if (analyzed) await db.pool.query('ANALYZE sensors');
    // A connection plans the function at its first call, against the statistics as they are
    // then; the one released below is destroyed, so each case plans afresh.
    const client = await db.pool.connect();
    try {
      const named = externalIds.slice(0, NAMED);
      const before = await lookupEntriesRead(client);
      expect(await beginWriteNaming(client, named)).toBe(NAMED);
      const read = (await lookupEntriesRead(client)) - before;
      // Probing the index with org_id alone read every sensor of the organization for each one
      // named: about NAMED × ORG_SENSORS / 2 entries per statement, in each of two statements.
      expect(read).toBeLessThanOrEqual(NAMED);
    } finally {
      client.release(true);
    }
  });
});
