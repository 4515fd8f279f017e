import pino from 'pino';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/postgres';
import { waitFor } from '../../test/helpers/processes';
import { postReadings, startTestIngest, type InProcessIngest } from '../../ingest/test/ingest-fixtures';
import { startRouterSink, type RouterSink } from '../../ingest/test/router-sink';
import { seedDemo, DEMO_SENSORS } from './seed';
import { fridgeTemperature, startSimulator, type Simulator } from './simulator';

let db: TestDatabase;
let sink: RouterSink;
let ingest: InProcessIngest;
let sim: Simulator | null = null;

beforeAll(async () => {
  db = await createTestDatabase();
  sink = await startRouterSink();
  ingest = await startTestIngest(db.pool, { ALERTMANAGER_URLS: sink.url, OUTBOX_POLL_INTERVAL_MS: '500' });
});

afterAll(async () => {
  await sim?.stop();
  await ingest?.stop();
  await sink?.close();
  await db?.drop();
});

it('seeds an empty database once and prints a device key that works', async () => {
  const lines = await seedDemo(db.pool, ingest.url);
  const key = /Device key \(shown once\): (ftk_\S+)/.exec(lines.join('\n'))?.[1];
  expect(key).toBeDefined();
  expect(lines.join('\n')).toContain(`curl -X POST ${ingest.url}/v1/readings`);
  expect(await seedDemo(db.pool, ingest.url)).toEqual([]);
  const units = await db.pool.query('SELECT unit_type FROM units ORDER BY unit_type');
  expect(units.rows.map((r) => r.unit_type)).toEqual(['ambient', 'cooling', 'freezer', 'fridge', 'hot-holding']);
  const res = await postReadings(ingest.url, key, { sensor_id: 'demo-freezer-1', recorded_at: new Date(Date.now() - 60_000).toISOString(), temperature_c: -19 });
  expect(res.body).toMatchObject({ accepted: 1 });
});

it('the fridge drift crosses the 5 °C limit within the first few ticks', () => {
  expect(fridgeTemperature(0)).toBeLessThan(5);
  expect(fridgeTemperature(3)).toBeGreaterThan(5);
});

it('--simulate stores readings from every demo sensor and delivers a food-safety alert within a minute or so', async () => {
  sim = await startSimulator(db.pool, ingest.url, pino({ level: 'silent' }));
  expect(sim).not.toBeNull();
  const alert = await waitFor(async () => sink.alerts.find((a) => a.labels.sensor === 'demo-fridge-1'), 90_000, 500);
  expect(alert.labels).toMatchObject({ alertname: 'TemperatureExcursion', category: 'food-safety', org: 'demo', unit: 'Walk-in fridge' });
  const sensors = await db.pool.query(`SELECT DISTINCT s.external_id FROM readings r JOIN sensors s ON s.id = r.sensor_id`);
  expect(sensors.rows.map((r) => r.external_id).sort()).toEqual(DEMO_SENSORS.map((d) => d.sensor).sort());
}, 120_000);
