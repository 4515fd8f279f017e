/**
 * Group commit of alert writes (issue 4): up to two writes run at once and concurrent callers
 * share the next, each flush resolves only once everything before it is committed (readable
 * by another connection), two writes in flight never carry the same alert, and a failed write
 * fails every flush that waited for it without losing anything acknowledged.
 */
import pino from 'pino';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/postgres';
import { createPool, type Pool } from '../../../platform/db/pool';
import { AlertStore, type StoredAlert } from '../provider/alert-store';
import { systemClock } from '../types/clock';
import { AlertPersistence } from './alert-persistence';
import type { LoggedRequest, LogRow } from './alert-log-protocol';
import { requestAlerts } from './alert-log-replay';
import { queryLogWriter, type AlertLogWriter } from './alert-log-writer';
import { PgAlertStore } from './pg-alert-store';

const logger = pino({ level: 'silent' });

/** GatedWriter holds each log append until released, and fails the appends it is told to. */
class GatedWriter implements AlertLogWriter {
  /** How many alerts each append carried, in the order they started. */
  appends: number[] = [];
  private gates: (() => void)[] = [];
  failAppends = new Set<number>();
  private readonly writer: AlertLogWriter;

  constructor(pool: Pool) {
    this.writer = queryLogWriter(pool);
  }

  async append(rows: LogRow[]): Promise<string[]> {
    const n = this.appends.length + 1;
    this.appends.push(rows.reduce((sum, r) => sum + (r.request ? requestAlerts(r.request).length : (JSON.parse(r.alerts) as unknown[]).length), 0));
    await new Promise<void>((release) => this.gates.push(release));
    if (this.failAppends.has(n)) throw new Error(`append ${n} failed`);
    return this.writer.append(rows);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  /** release lets a held append go on: the oldest, or the `index`th oldest. */
  release(index = 0): void {
    this.gates.splice(index, 1)[0]();
  }

  get held(): number {
    return this.gates.length;
  }
}

const tick = () => new Promise((r) => setImmediate(r));

/** until waits for `cond`, which a database round trip makes true (at most 5 s). */
async function until(cond: () => boolean): Promise<void> {
  for (const started = Date.now(); !cond(); await new Promise((r) => setTimeout(r, 5))) {
    if (Date.now() - started > 5000) throw new Error('condition not reached in 5 s');
  }
}

describe('alert writes are group commits', () => {
  let db: TestDatabase;
  let other: Pool;
  beforeAll(async () => {
    db = await createTestDatabase();
    other = createPool(db.url, { max: 1 });
  });
  afterAll(async () => {
    await other.end();
    await db.drop();
  });
  beforeEach(() => db.pool.query('TRUNCATE router_alert_log, router_alerts'));

  let n = 0;
  const batch = (size: number): StoredAlert[] =>
    Array.from({ length: size }, () => {
      const id = String(++n);
      return {
        labels: { alertname: 'GroupCommit', id },
        annotations: {},
        startsAt: new Date(),
        endsAt: new Date(Date.now() + 300_000),
        generatorURL: '',
        updatedAt: new Date(),
        fingerprint: `fp-${id}`,
        timeout: true,
      };
    });

  /** committedIds reads, over another connection, what a restarting router would load. */
  const committedIds = async () => new Set((await new PgAlertStore(other).load(new Date(0))).map((a) => a.labels.id));

  /** post does what POST /api/v2/alerts does: put, then wait for the commit; records the outcome. */
  const post = (store: AlertStore, persistence: AlertPersistence, alerts: StoredAlert[]) => {
    for (const a of alerts) store.put(a);
    const seen = { settled: false, ok: false, visibleWhenAcked: false };
    const done = persistence.flush().then(
      async () => {
        seen.ok = true;
        const ids = await committedIds();
        seen.visibleWhenAcked = alerts.every((a) => ids.has(a.labels.id));
        seen.settled = true;
      },
      () => {
        seen.settled = true;
      },
    );
    return { seen, done, alerts };
  };

  it('two writes run at once, later posts share the next, and each is acknowledged only once everything before it is committed', async () => {
    const gated = new GatedWriter(db.pool);
    const store = new AlertStore(systemClock);
    const persistence = new AlertPersistence(db.pool, logger, gated);
    const stop = persistence.attach(store);

    const first = post(store, persistence, batch(3));
    const second = post(store, persistence, batch(4));
    await tick();
    expect(gated.appends).toEqual([3, 4]);
    const third = post(store, persistence, batch(5));
    const fourth = post(store, persistence, batch(6));
    await tick();
    // Two writes are in flight: the other posts wait together for the next.
    expect(gated.appends).toEqual([3, 4]);

    // The second write commits first: its post still waits for the first, which it may depend on.
    gated.release(1);
    await until(() => gated.appends.length === 3);
    expect(first.seen.settled || second.seen.settled).toBe(false);
    expect(gated.appends).toEqual([3, 4, 11]);

    gated.release();
    await Promise.all([first.done, second.done]);
    expect(first.seen).toEqual({ settled: true, ok: true, visibleWhenAcked: true });
    expect(second.seen).toEqual({ settled: true, ok: true, visibleWhenAcked: true });
    expect(third.seen.settled || fourth.seen.settled).toBe(false);

    gated.release();
    await Promise.all([third.done, fourth.done]);
    expect(third.seen).toEqual({ settled: true, ok: true, visibleWhenAcked: true });
    expect(fourth.seen).toEqual({ settled: true, ok: true, visibleWhenAcked: true });
    stop();
  });

  it('an update of an alert a write in flight carries waits for that write, so the log keeps the newer one', async () => {
    const gated = new GatedWriter(db.pool);
    const store = new AlertStore(systemClock);
    const persistence = new AlertPersistence(db.pool, logger, gated);
    const stop = persistence.attach(store);

    const [original] = batch(1);
    const first = post(store, persistence, [original]);
    await tick();
    const update = { ...original, annotations: { summary: 'updated' }, updatedAt: original.updatedAt };
    const second = post(store, persistence, [update, ...batch(1)]);
    await tick();
    // One write is in flight, but it carries the updated alert: the same updatedAt in two
    // concurrent rows would leave the newer one to the order their inserts took ids in.
    expect(gated.appends).toEqual([1]);
    gated.release();
    await first.done;
    await tick();
    expect(gated.appends).toEqual([1, 2]);
    gated.release();
    await second.done;
    expect(second.seen).toEqual({ settled: true, ok: true, visibleWhenAcked: true });
    const loaded = (await new PgAlertStore(other).load(new Date(0))).find((a) => a.fingerprint === original.fingerprint);
    expect(loaded?.annotations).toEqual({ summary: 'updated' });
    stop();
  });

  it('a failed write fails every post that waited for it; the alerts go out again and nothing acknowledged is lost', async () => {
    const gated = new GatedWriter(db.pool);
    gated.failAppends.add(2);
    const store = new AlertStore(systemClock);
    const persistence = new AlertPersistence(db.pool, logger, gated);
    const stop = persistence.attach(store);

    const first = post(store, persistence, batch(2));
    const second = post(store, persistence, batch(2));
    await tick();
    const third = post(store, persistence, batch(2));
    gated.release();
    await first.done;
    expect(first.seen.ok).toBe(true);
    await tick();
    expect(gated.appends).toEqual([2, 2, 2]);
    gated.release(); // the second write fails: its post, and the third, which waited for it, get an error
    await second.done;
    gated.release();
    await third.done;
    expect(second.seen).toEqual({ settled: true, ok: false, visibleWhenAcked: false });
    expect(third.seen).toEqual({ settled: true, ok: false, visibleWhenAcked: false });

    // Prometheus re-sends on a 5xx; here the next post's write also carries the failed alerts.
    const fourth = post(store, persistence, batch(1));
    await tick();
    expect(gated.appends).toEqual([2, 2, 2, 3]);
    gated.release();
    await fourth.done;
    expect(fourth.seen.ok).toBe(true);
    const ids = await committedIds();
    for (const p of [first, second, third, fourth]) for (const a of p.alerts) expect(ids.has(a.labels.id)).toBe(true);
    stop();
  });

  it("logs a request as its body, not its alerts; a restarting router replays it to what the store held", async () => {
    const store = new AlertStore(systemClock);
    const persistence = new AlertPersistence(db.pool, logger);
    const stop = persistence.attach(store);
    const t0 = Date.UTC(2026, 10, 26, 9, 0, 0);
    const request = (version: 'v1' | 'v2', atMinute: number, alerts: unknown[]): LoggedRequest => ({ body: JSON.stringify(alerts), version, receivedAt: t0 + atMinute * 60_000, resolveTimeoutMs: 300_000 });
    const accept = (r: LoggedRequest) => persistence.record(r, () => requestAlerts(r).forEach((a) => store.put(a, new Date(r.receivedAt))));
    const door = { alertname: 'DoorOpen', unit: 'walk-in-1' };
    accept(request('v2', 0, [{ labels: door, startsAt: '2026-11-26T10:59:00+02:00' }, { labels: { 'bad-name': 'x' } }, { labels: { alertname: 'Cold', unit: 'freezer-2' } }]));
    // The router's own alert between two requests is logged as it is stored.
    store.put({ labels: { alertname: 'WatchdogMissing' }, annotations: {}, startsAt: new Date(t0), endsAt: new Date(t0 + 600_000), generatorURL: '', updatedAt: new Date(t0), fingerprint: 'fp-watchdog', timeout: false });
    // Re-posted later with a later startsAt: the merge keeps the earliest; Cold is resolved.
    accept(request('v2', 2, [{ labels: door, startsAt: '2026-11-26T09:01:30Z', annotations: { summary: 'still open' } }, { labels: { alertname: 'Cold', unit: 'freezer-2' }, endsAt: '2026-11-26T09:02:00Z' }]));
    accept(request('v1', 3, [{ labels: { alertname: 'Battery', sensor: 's-9' }, endsAt: '2026-11-26T10:00:00.123456+01:00' }]));
    // A request none of whose alerts is valid changes nothing and is not logged.
    accept(request('v2', 4, [{ labels: {} }]));
    await persistence.flush();
    stop();

    const log = await db.pool.query<{ kind: string; api_version: string | null }>(`SELECT CASE WHEN request IS NULL THEN 'alerts' ELSE 'request' END AS kind, api_version FROM router_alert_log ORDER BY id`);
    expect(log.rows).toEqual([
      { kind: 'request', api_version: 'v2' },
      { kind: 'alerts', api_version: null },
      { kind: 'request', api_version: 'v2' },
      { kind: 'request', api_version: 'v1' },
    ]);
    const live = store.list().map(({ posted: _posted, ...a }) => a);
    expect(live.map((a) => a.labels.alertname).sort()).toEqual(['Battery', 'Cold', 'DoorOpen', 'WatchdogMissing']);
    expect(live.find((a) => a.labels.alertname === 'DoorOpen')).toMatchObject({ startsAt: new Date('2026-11-26T08:59:00Z'), annotations: { summary: 'still open' } });
    const loaded = await new PgAlertStore(other).load(new Date(0));
    expect(loaded.sort((a, b) => (a.fingerprint < b.fingerprint ? -1 : 1))).toEqual(live.sort((a, b) => (a.fingerprint < b.fingerprint ? -1 : 1)));
    expect((await db.pool.query('SELECT count(*)::int AS n FROM router_alert_log')).rows[0].n).toBe(0);
  });

  it("settles the router's committed rows as its provider's alerts; a write still in flight stays in the log and replays on top", async () => {
    const gated = new GatedWriter(db.pool);
    const store = new AlertStore(systemClock);
    const persistence = new AlertPersistence(db.pool, logger, gated);
    const stop = persistence.attach(store);
    const t0 = Date.now() - 60_000;
    const request = (atSecond: number, alert: unknown): LoggedRequest => ({ body: JSON.stringify([alert]), version: 'v2', receivedAt: t0 + atSecond * 1000, resolveTimeoutMs: 300_000 });
    const accept = (r: LoggedRequest) => {
      persistence.record(r, () => requestAlerts(r).forEach((a) => store.put(a, new Date(r.receivedAt))));
      return persistence.flush();
    };
    const labels = { alertname: 'HotHolding', unit: 'bain-marie-1' };
    const firing = accept(request(0, { labels, endsAt: new Date(t0 + 3600_000).toISOString() }));
    gated.release();
    await firing;
    const resolvedAt = new Date(t0 + 30_000).toISOString();
    const resolving = accept(request(30, { labels, endsAt: resolvedAt }));
    await tick();
    expect(gated.held).toBe(1);

    await persistence.fold();
    const settled = await db.pool.query(`SELECT ends_at FROM router_alerts WHERE labels->>'alertname' = 'HotHolding'`);
    expect(settled.rows).toEqual([{ ends_at: new Date(t0 + 3600_000) }]);
    expect((await db.pool.query('SELECT count(*)::int AS n FROM router_alert_log')).rows[0].n).toBe(0);

    gated.release();
    await resolving;
    stop();
    // The router stops before settling again: the next one replays the resolution onto the settled alert.
    const loaded = (await new PgAlertStore(other).load(new Date(0))).filter((a) => a.labels.alertname === 'HotHolding');
    expect(loaded.map((a) => a.endsAt)).toEqual([new Date(resolvedAt)]);
  });

  it('a starting router replays a log longer than one fold transaction takes', async () => {
    const receivedAt = Date.now();
    const rows: LogRow[] = Array.from({ length: 450 }, (_, i) => ({
      request: { body: JSON.stringify([{ labels: { alertname: 'LongLog', i: String(i) } }]), version: 'v2', receivedAt, resolveTimeoutMs: 300_000 },
    }));
    await new PgAlertStore(db.pool).append(rows);
    const loaded = await new PgAlertStore(other).load(new Date(0));
    expect(new Set(loaded.map((a) => a.labels.i)).size).toBe(450);
    expect((await db.pool.query('SELECT count(*)::int AS n FROM router_alert_log')).rows[0].n).toBe(0);
  });
});
