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
import { PgAlertStore } from './pg-alert-store';
import type { Queryable } from './queryable';

const logger = pino({ level: 'silent' });

/** GatedDb holds each log append until released, and fails the appends it is told to. */
class GatedDb implements Queryable {
  appends: number[] = [];
  private gates: (() => void)[] = [];
  failAppends = new Set<number>();

  constructor(private readonly pool: Pool) {}

  async query<R>(text: string, values?: unknown[]): Promise<{ rows: R[]; rowCount: number | null }> {
    if (!text.startsWith('INSERT INTO router_alert_log')) return this.pool.query(text, values) as never;
    const n = this.appends.length + 1;
    this.appends.push((JSON.parse(values![0] as string) as unknown[]).length);
    await new Promise<void>((release) => this.gates.push(release));
    if (this.failAppends.has(n)) throw new Error(`append ${n} failed`);
    return this.pool.query(text, values) as never;
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
    const gated = new GatedDb(db.pool);
    const store = new AlertStore(systemClock);
    const persistence = new AlertPersistence(gated, logger);
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
    const gated = new GatedDb(db.pool);
    const store = new AlertStore(systemClock);
    const persistence = new AlertPersistence(gated, logger);
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
    const gated = new GatedDb(db.pool);
    gated.failAppends.add(2);
    const store = new AlertStore(systemClock);
    const persistence = new AlertPersistence(gated, logger);
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
});
