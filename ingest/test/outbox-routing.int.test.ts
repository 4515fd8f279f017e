import { createTestDatabase, type TestDatabase } from '../../test/helpers/postgres';
import { adoptUnroutedAlerts, claimAlerts, dropAbandonedAlerts } from '../src/stores/outbox-store';
import { createOrg, type OrgFixture } from './ingest-fixtures';

// Rows without a router (queued before ADR 0068, or the control plane's deploy alerts) are
// given to each router ingest posts to; each router's rows are due in order, on their own.
let db: TestDatabase;
let org: OrgFixture;
const A = 'http://router-a:9093';
const B = 'http://router-b:9093';

beforeAll(async () => {
  db = await createTestDatabase();
  org = await createOrg(db.pool);
});

afterAll(async () => {
  await db?.drop();
});

let excursionId: string | undefined;
/** One live excursion serves every test (a sensor has at most one live excursion of a kind). */
async function excursion(): Promise<string> {
  if (excursionId) return excursionId;
  const sensor = await db.pool.query<{ id: string }>('SELECT id FROM sensors WHERE org_id = $1 LIMIT 1', [org.orgId]);
  const { rows } = await db.pool.query<{ id: string }>(
    `INSERT INTO excursions (org_id, unit_id, sensor_id, kind, severity, state, breach_started_at)
     VALUES ($1, $2, $3, 'TemperatureExcursion', 'warning', 'open', now()) RETURNING id`,
    [org.orgId, org.unitId, sensor.rows[0].id],
  );
  return (excursionId = rows[0].id);
}

const queue = async (excursionId: string | null, name: string, router: string | null) =>
  (
    await db.pool.query<{ id: string }>(
      'INSERT INTO alert_outbox (org_id, excursion_id, payload, router) VALUES ($1, $2, $3, $4) RETURNING id',
      [org.orgId, excursionId, JSON.stringify({ labels: { alertname: name } }), router],
    )
  ).rows[0].id;

const rows = async () =>
  (
    await db.pool.query<{ name: string; router: string | null }>(
      "SELECT payload->'labels'->>'alertname' AS name, router FROM alert_outbox WHERE delivered_at IS NULL ORDER BY id",
    )
  ).rows;

beforeEach(async () => {
  await db.pool.query('DELETE FROM alert_outbox');
});

it('copies unrouted rows to each router, except where an excursion already has a newer row for that router', async () => {
  const e = await excursion();
  await queue(e, 'old-firing', null);
  await queue(null, 'deploy', null);
  await queue(e, 'new-resolved', B); // queued after the upgrade, for B only: newer than old-firing
  expect(await adoptUnroutedAlerts(db.pool, [A, B])).toBe(3);
  expect(await rows()).toEqual([
    { name: 'new-resolved', router: B },
    { name: 'old-firing', router: A },
    { name: 'deploy', router: A },
    { name: 'deploy', router: B },
  ]);
});

it('leaves unrouted rows another relay has leased', async () => {
  await queue(null, 'deploy', null);
  await db.pool.query("UPDATE alert_outbox SET next_attempt_at = now() + interval '1 minute'");
  expect(await adoptUnroutedAlerts(db.pool, [A])).toBe(0);
  expect(await rows()).toEqual([{ name: 'deploy', router: null }]);
});

it("claims the oldest undelivered row of each excursion per router: B's backlog does not hold back A", async () => {
  const e = await excursion();
  const firingB = await queue(e, 'firing', B);
  const firingA = await queue(e, 'firing', A);
  await queue(e, 'resolved', B);
  const resolvedA = await queue(e, 'resolved', A);
  await db.pool.query('UPDATE alert_outbox SET delivered_at = now() WHERE id = $1', [firingA]);
  const claimed = await claimAlerts(db.pool, [A, B], 10, 30);
  expect(claimed.map((c) => [c.id, c.router])).toEqual([
    [firingB, B],
    [resolvedA, A],
  ]);
  // Leased: a second claim finds nothing due.
  expect(await claimAlerts(db.pool, [A, B], 10, 30)).toEqual([]);
  // A worker configured only with A never claims B's rows.
  await db.pool.query('UPDATE alert_outbox SET next_attempt_at = now()');
  expect((await claimAlerts(db.pool, [A], 10, 30)).map((c) => c.router)).toEqual([A]);
});

it('drops undelivered rows of a router no longer configured once they are old enough', async () => {
  await queue(null, 'deploy', A);
  await queue(null, 'deploy', B);
  expect(await dropAbandonedAlerts(db.pool, [A], 3600)).toBe(0); // too recent: a rolling change may not have reached every replica
  await db.pool.query("UPDATE alert_outbox SET created_at = now() - interval '2 hours'");
  expect(await dropAbandonedAlerts(db.pool, [A], 3600)).toBe(1);
  expect(await rows()).toEqual([{ name: 'deploy', router: A }]);
});
