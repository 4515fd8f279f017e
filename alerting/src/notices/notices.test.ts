import pino from 'pino';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/postgres';
import { AlertStore, type StoredAlert } from '../provider/alert-store';
import { Silences } from '../silence/silences';
import { SilenceCache } from '../store/silence-cache';
import type { Clock } from '../types/clock';
import { SilenceNoticeJob } from './silence-notice-job';
import { WatchdogMonitor } from './watchdog-monitor';

const logger = pino({ level: 'silent' });
const MIN = 60_000;

function manualClock(start: number): Clock & { set(ms: number): void } {
  let now = start;
  return { now: () => new Date(now), setTimeout: () => undefined, clearTimeout: () => undefined, set: (ms) => (now = start + ms) };
}

describe('silence notices', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  it('announces a new silence once across replicas, and again shortly before it expires', async () => {
    const t0 = Date.now();
    const clock = manualClock(t0);
    const cache = await SilenceCache.load(db.pool, logger);
    const id = new Silences(cache, clock, 0).set({
      id: '',
      matchers: [{ name: 'site', value: 'kitchen-1', isRegex: false, isEqual: true }],
      startsAt: new Date(t0),
      endsAt: new Date(t0 + 60 * MIN),
      createdBy: 'maria@example.com',
      comment: 'compressor replacement',
    });
    await cache.flush();
    const put: StoredAlert[][] = [[], []];
    const jobs = [0, 1].map((i) => new SilenceNoticeJob({ db: db.pool, clock, logger, warnMs: 15 * MIN, put: (a) => put[i].push(...a) }));

    await Promise.all(jobs.map((j) => j.tick()));
    const created = put.flat();
    expect(created).toHaveLength(1);
    expect(created[0].labels).toEqual({ alertname: 'SilenceCreated', silence_id: id, severity: 'info' });
    expect(created[0].annotations).toMatchObject({
      created_by: 'maria@example.com',
      comment: 'compressor replacement',
      matchers: '{site="kitchen-1"}',
      summary: expect.stringContaining('maria@example.com silenced {site="kitchen-1"}'),
    });

    clock.set(45 * MIN - 1000);
    await Promise.all(jobs.map((j) => j.tick()));
    expect(put.flat()).toHaveLength(1);
    clock.set(45 * MIN + 1000);
    await Promise.all(jobs.map((j) => j.tick()));
    const all = put.flat();
    expect(all).toHaveLength(2);
    expect(all[1].labels.alertname).toBe('SilenceExpiring');
    expect(all[1].endsAt.getTime()).toBe(t0 + 60 * MIN);
    clock.set(59 * MIN);
    await Promise.all(jobs.map((j) => j.tick()));
    expect(put.flat()).toHaveLength(2);
  });
});

describe('watchdog', () => {
  const t0 = Date.parse('2026-11-25T10:00:00Z');
  const watchdog = (at: number): StoredAlert => ({
    labels: { alertname: 'Watchdog', severity: 'none' },
    annotations: {},
    startsAt: new Date(t0),
    endsAt: new Date(at + 4 * MIN),
    generatorURL: '',
    updatedAt: new Date(at),
    fingerprint: 'wd',
    timeout: false,
  });

  it('raises WatchdogMissing only once the always-firing alert is overdue, and stops when it returns', () => {
    const clock = manualClock(t0);
    const store = new AlertStore(clock);
    const monitor = new WatchdogMonitor({ alerts: () => store.list(), put: (a) => a.forEach((x) => store.put(x)), clock, logger, alertname: 'Watchdog', timeoutMs: 5 * MIN });
    const missing = () => store.list().filter((a) => a.labels.alertname === 'WatchdogMissing' && a.endsAt > clock.now());

    clock.set(4 * MIN);
    expect(monitor.check()).toBe(false);
    store.put(watchdog(t0 + 4 * MIN));
    clock.set(9 * MIN);
    expect(monitor.check()).toBe(false);
    clock.set(9 * MIN + 1000);
    expect(monitor.check()).toBe(true);
    expect(missing()).toHaveLength(1);
    expect(missing()[0].labels).toMatchObject({ severity: 'critical', watchdog: 'Watchdog' });

    store.put(watchdog(t0 + 10 * MIN));
    clock.set(11 * MIN);
    expect(monitor.check()).toBe(false);
    clock.set(16 * MIN);
    expect(missing()).toHaveLength(0);
  });

  it('pages when no Watchdog ever arrives after start', () => {
    const clock = manualClock(t0);
    const raised: StoredAlert[] = [];
    const monitor = new WatchdogMonitor({ alerts: () => [], put: (a) => raised.push(...a), clock, logger, alertname: 'Watchdog', timeoutMs: 5 * MIN });
    clock.set(5 * MIN + 1);
    expect(monitor.check()).toBe(true);
    expect(raised[0].annotations.summary).toMatch(/since the router started/);
  });
});
