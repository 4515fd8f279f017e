import pino from 'pino';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/postgres';
import { freePort, waitFor } from '../../test/helpers/processes';
import { createMetricsRegistry } from '../../platform/metrics/registry';
import { IngestMetrics } from '../src/metrics/ingest-metrics';
import { IngestJobs } from '../src/services/ingest-jobs';
import { fleetSnapshot } from '../src/stores/fleet-store';
import { createOrg, iso, postReadings, startTestIngest, type InProcessIngest } from './ingest-fixtures';
import { startRouterSink, type RouterSink } from './router-sink';

let db: TestDatabase;
let sink: RouterSink;
let replica: RouterSink;
let ingest: InProcessIngest;
const minute = 60_000;
const t0 = Date.now() - 6 * 3_600_000;
const at = (min: number) => iso(t0 + min * minute);

beforeAll(async () => {
  db = await createTestDatabase();
  sink = await startRouterSink();
  replica = await startRouterSink();
  // The scheduled jobs are run by hand below; keep the cron schedules out of their way.
  ingest = await startTestIngest(db.pool, {
    // Two router replicas: like Prometheus, ingest posts every alert to each.
    ALERTMANAGER_URLS: `${sink.url},${replica.url}`,
    ALERT_RESEND_INTERVAL_SECONDS: '3600',
    SENSOR_OFFLINE_SWEEP_CRON: '0 0 1 1 *',
    READINGS_PARTITION_CRON: '0 0 1 1 *',
  });
});

afterAll(async () => {
  await ingest?.stop();
  await sink?.close();
  await replica?.close();
  await db?.drop();
});

const alertsFor = (sensor: string) => sink.alerts.filter((a) => a.labels.sensor === sensor);
const post = (key: string, sensor: string, readings: [number, number][]) =>
  postReadings(ingest.url, key, { readings: readings.map(([min, temperature_c]) => ({ sensor_id: sensor, recorded_at: at(min), temperature_c })) });
const excursions = async (orgId: string) =>
  (await db.pool.query('SELECT * FROM excursions WHERE org_id = $1 ORDER BY created_at', [orgId])).rows;

it('opens after the delay, posts the alert to the router, and resolves after the hysteresis', async () => {
  const org = await createOrg(db.pool, { thresholds: { delay_seconds: 600, hysteresis_c: 1 } });
  const s = org.sensors[0];
  await post(org.key, s, [[0, 4], [5, 7], [10, 8]]);
  expect((await excursions(org.orgId))[0]).toMatchObject({ state: 'pending' });
  await post(org.key, s, [[15, 9]]);
  const firing = await waitFor(async () => alertsFor(s).find((a) => !a.endsAt || Date.parse(a.endsAt) > Date.now()), 30_000);
  expect(firing.labels).toEqual({ alertname: 'TemperatureExcursion', category: 'food-safety', severity: 'warning', org: org.slug, site: 'Main St', unit: 'Walk-in', sensor: s });
  expect(firing.annotations.summary).toMatch(/9\.0 °C \(48\.2 °F\)/);
  expect(firing.annotations.since).toBe(at(5));
  expect(firing.startsAt).toBe(at(15));
  expect(firing.annotations.runbook_url).toMatch(/food-safety\.md#temperatureexcursion$/);
  const onReplica = await waitFor(async () => replica.alerts.find((a) => a.labels.sensor === s), 30_000);
  // Each router has its own delivery, so endsAt (now + 4 × the resend interval at sending) may differ by the time between them.
  expect({ ...onReplica, endsAt: undefined }).toEqual({ ...firing, endsAt: undefined });
  expect(Date.parse(onReplica.endsAt!)).toBeGreaterThan(Date.now());

  // 4.5 °C is inside the 5 °C limit but not by the 1 °C hysteresis: still open.
  await post(org.key, s, [[20, 4.5]]);
  expect((await excursions(org.orgId))[0]).toMatchObject({ state: 'open' });
  await post(org.key, s, [[25, 3.9]]);
  const resolved = await waitFor(async () => alertsFor(s).find((a) => a.endsAt && Date.parse(a.endsAt) <= Date.now()), 30_000);
  expect(resolved.endsAt).toBe(at(25));
  const [ex] = await excursions(org.orgId);
  expect(ex).toMatchObject({ state: 'closed', peak_c: 9, severity: 'warning', suggested_disposition: 'keep' });
  // Beyond 5 °C from minute 5 to 20: 15 minutes; degree-minutes 5×2 + 5×3 + 5×4 = 45.
  expect(ex.seconds_beyond_limit).toBe(900);
  expect(ex.degree_minutes).toBeCloseTo(45, 6);
  await waitFor(async () => (await db.pool.query('SELECT count(*) = 0 AS done FROM alert_outbox WHERE delivered_at IS NULL')).rows[0].done, 30_000);
});

it('a breach shorter than the delay never alerts', async () => {
  const org = await createOrg(db.pool, { thresholds: { delay_seconds: 1800 } });
  const s = org.sensors[0];
  await post(org.key, s, [[0, 9], [10, 9], [20, 4]]);
  expect(await excursions(org.orgId)).toEqual([]);
  expect(alertsFor(s)).toEqual([]);
});

it('a defrost window suppresses the breach; the same breach outside it alerts', async () => {
  const start = new Date(t0 + 60 * minute);
  const windowStart = new Date(start.getTime() - (start.getTime() % (60 * minute)));
  const org = await createOrg(db.pool, {
    thresholds: { delay_seconds: 0, suppression_windows: [{ start: windowStart.toISOString(), end: new Date(windowStart.getTime() + 30 * minute).toISOString() }] },
  });
  const s = org.sensors[0];
  const m = (windowStart.getTime() - t0) / minute;
  await post(org.key, s, [[m + 1, 12], [m + 10, 14], [m + 29, 12]]);
  expect(await excursions(org.orgId)).toEqual([]);
  await post(org.key, s, [[m + 31, 12]]);
  expect((await excursions(org.orgId))[0]).toMatchObject({ state: 'open', severity: 'critical' });
  await waitFor(async () => alertsFor(s).length > 0, 30_000);
});

it('evaluates an out-of-order backfill in recorded_at order, and late readings only raise the peak', async () => {
  const org = await createOrg(db.pool, { thresholds: { delay_seconds: 600 } });
  const s = org.sensors[0];
  await post(org.key, s, [[30, 7], [10, 7], [20, 7], [0, 4]]);
  const [ex] = await excursions(org.orgId);
  expect(ex).toMatchObject({ state: 'open' });
  expect(ex.breach_started_at.toISOString()).toBe(at(10));
  expect(ex.opened_at.toISOString()).toBe(at(20));
  // A late in-range reading must not close it; a late hotter one raises the peak.
  const late = await post(org.key, s, [[25, 2], [15, 9.5]]);
  expect(late.body).toMatchObject({ accepted: 2 });
  const [after] = await excursions(org.orgId);
  expect(after).toMatchObject({ state: 'open', peak_c: 9.5 });
});

it('an excursion that began and ended inside one backfill reaches the router once, as retrospective, and auto-resolves', async () => {
  const org = await createOrg(db.pool, { thresholds: { delay_seconds: 600 } });
  const s = org.sensors[0];
  // A gateway back online sends an hour it buffered: a 20-minute breach, over before it was heard of.
  const res = await post(org.key, s, [[0, 4], [10, 8], [20, 9], [30, 3], [40, 4]]);
  expect(res.body).toMatchObject({ accepted: 5 });
  const [ex] = await excursions(org.orgId);
  expect(ex).toMatchObject({ state: 'closed', peak_c: 9 });
  expect(ex.opened_at.toISOString()).toBe(at(20));
  expect(ex.closed_at.toISOString()).toBe(at(30));
  // The food-safety record asks for a corrective action all the same.
  const action = await db.pool.query('SELECT state FROM corrective_actions WHERE excursion_id = $1', [ex.id]);
  expect(action.rows).toEqual([{ state: 'open' }]);

  const got = await waitFor(async () => (alertsFor(s).length > 0 ? alertsFor(s) : undefined), 30_000);
  // One firing alert that the router will notify, ending by itself a few resend intervals on —
  // not firing then resolved within milliseconds, which a router never notifies.
  expect(got).toHaveLength(1);
  expect(got[0].labels).toMatchObject({ alertname: 'TemperatureExcursion', retrospective: 'true', sensor: s });
  expect(got[0].startsAt).toBe(at(20));
  expect(got[0].annotations.ended).toBe(at(30));
  expect(Date.parse(got[0].endsAt!)).toBeGreaterThan(Date.now());
});

it('late readings that reveal a breach nobody saw are replayed in recorded_at order: the excursion is recorded and alerted', async () => {
  const org = await createOrg(db.pool, { thresholds: { delay_seconds: 600, hysteresis_c: 0 } });
  const s = org.sensors[0];
  await post(org.key, s, [[0, 4], [50, 4], [60, 4]]);
  expect(await excursions(org.orgId)).toEqual([]);
  // The readings between arrive after the newer ones (a gateway's retried batch).
  const late = await post(org.key, s, [[15, 8], [25, 9], [35, 8.5], [45, 4]]);
  expect(late.body).toMatchObject({ accepted: 4 });
  const [ex] = await excursions(org.orgId);
  expect(ex).toMatchObject({ state: 'closed', peak_c: 9, seconds_beyond_limit: 1800 });
  expect(ex.breach_started_at.toISOString()).toBe(at(15));
  expect(ex.closed_at.toISOString()).toBe(at(45));
  const got = await waitFor(async () => alertsFor(s).find((a) => a.labels.retrospective === 'true'), 30_000);
  expect(got.annotations.since).toBe(at(15));
  const metrics = await (await fetch(`${ingest.url}/metrics`)).text();
  expect(metrics).toMatch(/^freshtrack_ingest_late_replays_total [1-9]/m);
  expect(metrics).toMatch(/^freshtrack_ingest_retrospective_excursions_total [1-9]/m);

  // Sent again (a retry that got no answer): duplicates, nothing replayed, nothing recorded twice.
  const again = await post(org.key, s, [[15, 8], [25, 9], [35, 8.5], [45, 4]]);
  expect(again.body).toMatchObject({ accepted: 0, duplicates: 4 });
  expect(await excursions(org.orgId)).toHaveLength(1);
});

it('a late reading inside an ended excursion raises its peak and disposition, and alerts nobody again', async () => {
  const org = await createOrg(db.pool, { thresholds: { delay_seconds: 0, max_critical_c: 30 } });
  const s = org.sensors[0];
  // Beyond 5 °C from 10 to 160: 2.5 h, inside half of cold food's 6-hour budget.
  await post(org.key, s, [[0, 4], [10, 8], [90, 8], [160, 3], [170, 4]]);
  const [before] = await excursions(org.orgId);
  expect(before).toMatchObject({ state: 'closed', peak_c: 8, suggested_disposition: 'keep', seconds_beyond_limit: 9000 });
  await waitFor(async () => (alertsFor(s).length > 0 ? true : undefined), 30_000);
  const alertsBefore = alertsFor(s).length;
  // The gateway's lost reading from minute 20: 25 °C, past the 21 °C ceiling of the 6-hour budget,
  // so the 4-hour budget applies and 2.5 h beyond the limit means use now.
  expect((await post(org.key, s, [[20, 25]])).body).toMatchObject({ accepted: 1 });
  const [after] = await excursions(org.orgId);
  expect(after).toMatchObject({ id: before.id, state: 'closed', peak_c: 25, suggested_disposition: 'use-now' });
  expect(after.closed_at.toISOString()).toBe(before.closed_at.toISOString());
  expect(after.peak_at.toISOString()).toBe(at(20));
  await new Promise((r) => setTimeout(r, 500)); // the outbox polls every 100 ms: nothing new may come
  expect(alertsFor(s)).toHaveLength(alertsBefore);
});

it('two replicas replaying the same late breach at once record it once', async () => {
  const other = await startTestIngest(db.pool, { ALERTMANAGER_URLS: `${sink.url},${replica.url}`, ALERT_RESEND_INTERVAL_SECONDS: '3600' });
  try {
    const org = await createOrg(db.pool, { thresholds: { delay_seconds: 600, hysteresis_c: 0 } });
    const s = org.sensors[0];
    await post(org.key, s, [[0, 4], [50, 4], [60, 4]]);
    // The gateway's retry reaches the other replica while the first attempt is still in flight:
    // the halves of one breach, each late, each replayed under the sensor's lock in turn.
    const body = (rows: [number, number][]) => ({ readings: rows.map(([min, temperature_c]) => ({ sensor_id: s, recorded_at: at(min), temperature_c })) });
    const [a, b] = await Promise.all([
      postReadings(ingest.url, org.key, body([[15, 8], [25, 9]])),
      postReadings(other.url, org.key, body([[35, 8.5], [45, 4]])),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    const recorded = await excursions(org.orgId);
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({ state: 'closed', peak_c: 9 });
    expect(recorded[0].breach_started_at.toISOString()).toBe(at(15));
    // Which half committed first decides the end, and the record never shortens (ADR 0069):
    // first half first, the excursion ended on the record at 50, the next stored reading, and
    // the later 45 overlaps it; second half first, it was no breach alone, and the first half's
    // replay sees both halves.
    expect([at(45), at(50)]).toContain(recorded[0].closed_at.toISOString());
  } finally {
    await other.stop();
  }
});

it('late readings showing a breach began earlier move the live excursion back, and open it once its delay has passed', async () => {
  const org = await createOrg(db.pool, { thresholds: { delay_seconds: 1800 } });
  const s = org.sensors[0];
  await post(org.key, s, [[0, 4], [50, 8], [55, 8]]);
  expect((await excursions(org.orgId))[0]).toMatchObject({ state: 'pending' });
  // The gateway's older batch arrives last: the unit was already warm from minute 10.
  await post(org.key, s, [[10, 8], [20, 8], [30, 8], [40, 8]]);
  const all = await excursions(org.orgId);
  expect(all).toHaveLength(1);
  expect(all[0]).toMatchObject({ state: 'open', seconds_beyond_limit: 45 * 60 });
  expect(all[0].breach_started_at.toISOString()).toBe(at(10));
  expect(all[0].opened_at.toISOString()).toBe(at(40));
  const firing = await waitFor(async () => alertsFor(s).find((a) => !a.endsAt || Date.parse(a.endsAt) > Date.now()), 30_000);
  expect(firing.labels.retrospective).toBeUndefined();
  expect(firing.annotations.since).toBe(at(10));
  expect(firing.startsAt).toBe(at(40));
});

it('a firing excursion whose start moves back is sent again at once, with the earlier start', async () => {
  // The periodic re-send is an hour away: only the backdating can send it again within the test.
  const org = await createOrg(db.pool, { thresholds: { delay_seconds: 600 } });
  const s = org.sensors[0];
  await post(org.key, s, [[0, 4], [40, 8], [50, 8], [55, 8]]);
  const first = await waitFor(async () => alertsFor(s).find((a) => a.annotations.since === at(40)), 30_000);
  expect(first.startsAt).toBe(at(50));
  const before = alertsFor(s).length;
  // The gateway's older batch arrives last: the unit was already warm from minute 20.
  await post(org.key, s, [[20, 8], [30, 8]]);
  const resent = await waitFor(async () => alertsFor(s).slice(before).find((a) => a.annotations.since === at(20)), 30_000);
  expect(resent.labels).toEqual(first.labels);
  expect(resent.startsAt).toBe(at(50));
  const [ex] = await excursions(org.orgId);
  expect(ex).toMatchObject({ state: 'open', seconds_beyond_limit: 35 * 60 });
});

it('a cooling unit alerts CoolingTooSlow when cooked food misses the two-hour stage, and resolves once it is cold', async () => {
  // No thresholds row: the organization's jurisdiction profile (FDA Food Code 2022) applies.
  const org = await createOrg(db.pool, { unitType: 'cooling' });
  const s = org.sensors[0];
  await post(org.key, s, [[0, 60], [60, 40]]);
  expect((await excursions(org.orgId))[0]).toMatchObject({ kind: 'CoolingTooSlow', state: 'pending', limit_c: 21 });
  expect(alertsFor(s)).toEqual([]);
  await post(org.key, s, [[125, 23]]);
  const firing = await waitFor(async () => alertsFor(s).find((a) => a.labels.alertname === 'CoolingTooSlow'), 30_000);
  expect(firing.labels).toMatchObject({ category: 'food-safety', severity: 'critical', sensor: s, unit: 'Walk-in' });
  expect(firing.startsAt).toBe(at(120));
  expect(firing.annotations).toMatchObject({ since: at(0), deadline: at(120), limit: '21.0 °C (69.8 °F)', suggested_disposition: 'discard' });
  expect(firing.annotations.runbook_url).toMatch(/#coolingtooslow$/);
  // Above the 5 °C holding limit for hours while cooling, yet no TemperatureExcursion.
  await post(org.key, s, [[300, 4]]);
  const resolved = await waitFor(async () => alertsFor(s).find((a) => a.endsAt && Date.parse(a.endsAt) <= Date.now()), 30_000);
  expect(resolved.endsAt).toBe(at(300));
  const all = await excursions(org.orgId);
  expect(all.map((e) => `${e.kind}:${e.state}`)).toEqual(['CoolingTooSlow:closed']);
  const action = await db.pool.query('SELECT state FROM corrective_actions WHERE excursion_id = $1', [all[0].id]);
  expect(action.rows).toEqual([{ state: 'open' }]);
});

it('the cooling sweep opens a cycle whose deadline passed with no reading since', async () => {
  const org = await createOrg(db.pool, { unitType: 'cooling' });
  const s = org.sensors[0];
  // Hot food at minute 300 (an hour ago), cooling; the probe reports next only hourly.
  await post(org.key, s, [[300, 62], [310, 50]]);
  const metrics = new IngestMetrics(createMetricsRegistry(), () => fleetSnapshot(db.pool, 20, []));
  const jobs = new IngestJobs(db.pool, { offlineSweepCron: '* * * * *', partitionCron: '0 3 * * *', offlineMultiple: 3, retentionDays: 730, links: { runbookBaseUrl: 'http://rb', dashboardUrl: 'http://d' }, routers: [sink.url, replica.url] }, metrics, pino({ level: 'silent' }));
  // One hour in: not yet due, nothing opens.
  expect(await jobs.run('cooling-deadlines', (c) => jobs.sweepCoolingDeadlines(c))).toBe(true);
  expect((await excursions(org.orgId))[0]).toMatchObject({ kind: 'CoolingTooSlow', state: 'pending' });
  // Three hours in but past 21 °C in time (stage 2, due at 6 h): still on schedule.
  await db.pool.query(`UPDATE excursions SET breach_started_at = now() - interval '3 hours', limit_c = 5 WHERE org_id = $1`, [org.orgId]);
  expect(await jobs.run('cooling-deadlines', (c) => jobs.sweepCoolingDeadlines(c))).toBe(true);
  expect((await excursions(org.orgId))[0]).toMatchObject({ state: 'pending', limit_c: 5 });
  await db.pool.query(`UPDATE excursions SET limit_c = 21 WHERE org_id = $1`, [org.orgId]);
  // Started 2 h 10 min ago instead: stage 1 is overdue, the sweep opens it at its deadline.
  await db.pool.query(`UPDATE excursions SET breach_started_at = now() - interval '130 minutes' WHERE org_id = $1`, [org.orgId]);
  expect(await jobs.run('cooling-deadlines', (c) => jobs.sweepCoolingDeadlines(c))).toBe(true);
  const [cycle] = await excursions(org.orgId);
  expect(cycle).toMatchObject({ state: 'open', limit_c: 21, suggested_disposition: 'discard' });
  expect(cycle.opened_at.getTime()).toBe(cycle.breach_started_at.getTime() + 2 * 3_600_000);
  const firing = await waitFor(async () => alertsFor(s).find((a) => a.labels.alertname === 'CoolingTooSlow'), 30_000);
  expect(firing.startsAt).toBe(cycle.opened_at.toISOString());
});

it('keeps alerts while the router is down and delivers them once it is back', async () => {
  // A database of its own: the other tests' ingest (router up) must not deliver this alert.
  const own = await createTestDatabase();
  const port = await freePort();
  const pending = await startTestIngest(own.pool, { ALERTMANAGER_URLS: `http://127.0.0.1:${port}`, OUTBOX_MAX_BACKOFF_SECONDS: '1' });
  try {
    const org = await createOrg(own.pool, { thresholds: { delay_seconds: 0 } });
    const s = org.sensors[0];
    const res = await postReadings(pending.url, org.key, { sensor_id: s, recorded_at: at(0), temperature_c: 8 });
    expect(res.status).toBe(200);
    const failed = await waitFor(async () => {
      const { rows } = await own.pool.query(
        `SELECT o.attempts, o.last_error FROM alert_outbox o WHERE o.org_id = $1 AND o.delivered_at IS NULL AND o.attempts >= 2`,
        [org.orgId],
      );
      return rows[0];
    }, 30_000);
    expect(failed.last_error).toMatch(/ECONNREFUSED/);
    const router = await startRouterSink(port);
    try {
      const got = await waitFor(async () => router.alerts.find((a) => a.labels.sensor === s), 30_000);
      expect(got.labels.alertname).toBe('TemperatureExcursion');
      await waitFor(async () => (await own.pool.query('SELECT delivered_at FROM alert_outbox WHERE org_id = $1', [org.orgId])).rows[0].delivered_at, 30_000);
    } finally {
      await router.close();
    }
  } finally {
    await pending.stop();
    await own.drop();
  }
});

it('with two routers, one down holds back only itself: the other gets re-sends and the resolution', async () => {
  const own = await createTestDatabase();
  const healthy = await startRouterSink();
  const downPort = await freePort();
  const down = `http://127.0.0.1:${downPort}`;
  const both = await startTestIngest(own.pool, { ALERTMANAGER_URLS: `${healthy.url},${down}`, ALERT_RESEND_INTERVAL_SECONDS: '1', OUTBOX_MAX_BACKOFF_SECONDS: '1' });
  const on = (sink: RouterSink, sensor: string) => sink.alerts.filter((a) => a.labels.sensor === sensor);
  const isResolved = (a: { endsAt?: string }) => Boolean(a.endsAt && Date.parse(a.endsAt) <= Date.now());
  try {
    const org = await createOrg(own.pool, { thresholds: { delay_seconds: 0, hysteresis_c: 1 } });
    const s = org.sensors[0];
    expect((await postReadings(both.url, org.key, { sensor_id: s, recorded_at: at(0), temperature_c: 8 })).status).toBe(200);
    // Re-sent every second to the healthy router while the other refuses connections.
    await waitFor(async () => on(healthy, s).filter((a) => !isResolved(a)).length >= 3, 30_000);
    const waiting = await own.pool.query<{ router: string; n: string }>(
      'SELECT router, count(*) AS n FROM alert_outbox WHERE delivered_at IS NULL GROUP BY router',
    );
    expect(waiting.rows).toEqual([{ router: down, n: '1' }]); // one copy waits for it, not one per re-send
    // The gauges name the router that is behind, and show the healthy one caught up.
    const scrape = await (await fetch(`${both.url}/metrics`)).text();
    expect(scrape).toContain(`freshtrack_ingest_outbox_pending{router="${down}"} 1`);
    expect(scrape).toContain(`freshtrack_ingest_outbox_pending{router="${healthy.url}"} 0`);
    expect(scrape).toMatch(new RegExp(`freshtrack_ingest_outbox_oldest_age_seconds\\{router="${down}"\\} [0-9.]+`));
    expect((await postReadings(both.url, org.key, { sensor_id: s, recorded_at: at(5), temperature_c: 3 })).status).toBe(200);
    await waitFor(async () => on(healthy, s).find(isResolved), 30_000);
    // The router comes back: it gets the firing alert, then the resolution, in that order.
    const late = await startRouterSink(downPort);
    try {
      await waitFor(async () => on(late, s).find(isResolved), 30_000);
      const got = on(late, s);
      expect(isResolved(got[0])).toBe(false);
      expect(isResolved(got[got.length - 1])).toBe(true);
      expect(got[got.length - 1].endsAt).toBe(at(5));
    } finally {
      await late.close();
    }
  } finally {
    await both.stop();
    await healthy.close();
    await own.drop();
  }
});

it('re-sends open excursions periodically so a restarted router relearns them', async () => {
  const resender = await startTestIngest(db.pool, { ALERTMANAGER_URLS: sink.url, ALERT_RESEND_INTERVAL_SECONDS: '1' });
  try {
    const org = await createOrg(db.pool, { thresholds: { delay_seconds: 0 } });
    const s = org.sensors[0];
    await postReadings(resender.url, org.key, { sensor_id: s, recorded_at: at(0), temperature_c: 8 });
    await waitFor(async () => alertsFor(s).length >= 3, 40_000);
    expect(alertsFor(s).every((a) => a.labels.severity === 'warning' && Date.parse(a.endsAt!) > Date.parse(a.startsAt))).toBe(true);
  } finally {
    await resender.stop();
  }
});

it('door left open, low battery and a silent sensor each alert through the same path', async () => {
  const org = await createOrg(db.pool, { sensors: 2 });
  const [s, silent] = org.sensors;
  await postReadings(ingest.url, org.key, {
    readings: [
      { sensor_id: s, recorded_at: at(0), temperature_c: 3, door_open: true, battery_pct: 15 },
      { sensor_id: s, recorded_at: at(10), temperature_c: 3, door_open: true, battery_pct: 15 },
    ],
  });
  await db.pool.query(`UPDATE sensors SET created_at = now() - interval '1 day' WHERE external_id = $1`, [silent]);
  const logger = pino({ level: 'silent' });
  const metrics = new IngestMetrics(createMetricsRegistry(), () => fleetSnapshot(db.pool, 20, []));
  const jobs = new IngestJobs(db.pool, { offlineSweepCron: '* * * * *', partitionCron: '0 3 * * *', offlineMultiple: 3, retentionDays: 730, links: { runbookBaseUrl: 'http://rb', dashboardUrl: 'http://d' }, routers: [sink.url, replica.url] }, metrics, logger);
  expect(await jobs.run('offline-sweep', (c) => jobs.sweepOffline(c))).toBe(true);
  const names = await waitFor(async () => {
    const got = new Set(sink.alerts.filter((a) => a.labels.org === org.slug).map((a) => `${a.labels.alertname}:${a.labels.sensor}`));
    return got.size === 3 ? got : undefined;
  }, 30_000);
  expect([...names].sort()).toEqual([`DoorOpenTooLong:${s}`, `SensorBatteryLow:${s}`, `SensorOffline:${silent}`]);
  const snap = await fleetSnapshot(db.pool, 20, []);
  expect(snap.sensors.filter((r) => r.org === org.slug)).toEqual(expect.arrayContaining([{ org: org.slug, status: 'offline', count: 1 }]));
  // The silent sensor reports: SensorOffline resolves.
  await postReadings(ingest.url, org.key, { sensor_id: silent, recorded_at: at(11), temperature_c: 3 });
  await waitFor(async () => sink.alerts.find((a) => a.labels.alertname === 'SensorOffline' && a.labels.sensor === silent && a.endsAt && Date.parse(a.endsAt) <= Date.now()), 30_000);
});

it('partition maintenance creates partitions ahead and drops those past retention', async () => {
  await db.pool.query(`SELECT ensure_reading_partitions(now() - interval '40 months', now() - interval '38 months')`);
  const oldName = `readings_${new Date(Date.now() - 39 * 30 * 86_400_000).toISOString().slice(0, 7).replace('-', '_')}`;
  expect((await db.pool.query('SELECT to_regclass($1) AS r', [oldName])).rows[0].r).not.toBeNull();
  const logger = pino({ level: 'silent' });
  const metrics = new IngestMetrics(createMetricsRegistry(), () => fleetSnapshot(db.pool, 20, []));
  const jobs = new IngestJobs(db.pool, { offlineSweepCron: '* * * * *', partitionCron: '0 3 * * *', offlineMultiple: 3, retentionDays: 730, links: { runbookBaseUrl: 'http://rb', dashboardUrl: 'http://d' }, routers: [] }, metrics, logger);
  expect(await jobs.run('partition-maintenance', (c) => jobs.maintainPartitions(c))).toBe(true);
  expect((await db.pool.query('SELECT to_regclass($1) AS r', [oldName])).rows[0].r).toBeNull();
  const ahead = new Date(Date.now() + 80 * 86_400_000).toISOString().slice(0, 7).replace('-', '_');
  expect((await db.pool.query('SELECT to_regclass($1) AS r', [`readings_${ahead}`])).rows[0].r).not.toBeNull();
});

it('partition maintenance covers the whole retention window, beyond what the migrations created', async () => {
  // The migrations create 25 months back; a retention of ~36 months must accept a 34-month-old backfill.
  const monthsAgo = (n: number) => `readings_${new Date(Date.now() - n * 30.44 * 86_400_000).toISOString().slice(0, 7).replace('-', '_')}`;
  await db.pool.query(`DROP TABLE IF EXISTS ${monthsAgo(34)}`);
  const metrics = new IngestMetrics(createMetricsRegistry(), () => fleetSnapshot(db.pool, 20, []));
  const jobs = new IngestJobs(db.pool, { offlineSweepCron: '* * * * *', partitionCron: '0 3 * * *', offlineMultiple: 3, retentionDays: 1100, links: { runbookBaseUrl: 'http://rb', dashboardUrl: 'http://d' }, routers: [] }, metrics, pino({ level: 'silent' }));
  expect(await jobs.run('partition-maintenance', (c) => jobs.maintainPartitions(c))).toBe(true);
  expect((await db.pool.query('SELECT to_regclass($1) AS r', [monthsAgo(34)])).rows[0].r).not.toBeNull();
});
