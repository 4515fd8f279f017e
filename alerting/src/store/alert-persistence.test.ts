/**
 * Group commit of alert writes (issue 4): concurrent callers share writes, each flush resolves
 * only once its own alerts are committed (readable by another connection), and a failed
 * write fails every flush whose alerts it carried without losing anything acknowledged.
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

  /** release lets the oldest held append go on. */
  release(): void {
    this.gates.shift()!();
  }

  get held(): number {
    return this.gates.length;
  }
}

const tick = () => new Promise((r) => setImmediate(r));

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

  it('concurrent posts share the next write, and each is acknowledged only once its own alerts are committed', async () => {
    const gated = new GatedDb(db.pool);
    const store = new AlertStore(systemClock);
    const persistence = new AlertPersistence(gated, logger);
    const stop = persistence.attach(store);

    const first = post(store, persistence, batch(3));
    await tick();
    expect(gated.held).toBe(1);
    const second = post(store, persistence, batch(4));
    const third = post(store, persistence, batch(5));
    await tick();
    // While the first write is in flight, nothing else is written: the others wait together.
    expect(gated.appends).toEqual([3]);
    expect(second.seen.settled || third.seen.settled).toBe(false);

    gated.release();
    await first.done;
    expect(first.seen).toEqual({ settled: true, ok: true, visibleWhenAcked: true });
    await tick();
    expect(second.seen.settled || third.seen.settled).toBe(false);
    expect(gated.appends).toEqual([3, 9]);

    gated.release();
    await Promise.all([second.done, third.done]);
    expect(second.seen).toEqual({ settled: true, ok: true, visibleWhenAcked: true });
    expect(third.seen).toEqual({ settled: true, ok: true, visibleWhenAcked: true });
    stop();
  });

  it('a failed write fails every post it carried; the alerts go out with the next write and nothing acknowledged is lost', async () => {
    const gated = new GatedDb(db.pool);
    gated.failAppends.add(2);
    const store = new AlertStore(systemClock);
    const persistence = new AlertPersistence(gated, logger);
    const stop = persistence.attach(store);

    const first = post(store, persistence, batch(2));
    await tick();
    const second = post(store, persistence, batch(2));
    const third = post(store, persistence, batch(2));
    gated.release();
    await first.done;
    await tick();
    gated.release(); // the second write, carrying the second and third posts, fails
    await Promise.all([second.done, third.done]);
    expect(first.seen.ok).toBe(true);
    expect(second.seen).toEqual({ settled: true, ok: false, visibleWhenAcked: false });
    expect(third.seen).toEqual({ settled: true, ok: false, visibleWhenAcked: false });

    // Prometheus re-sends on a 5xx; here the next post's write also carries the failed alerts.
    const fourth = post(store, persistence, batch(1));
    await tick();
    expect(gated.appends).toEqual([2, 4, 5]);
    gated.release();
    await fourth.done;
    expect(fourth.seen.ok).toBe(true);
    const ids = await committedIds();
    for (const p of [first, second, third, fourth]) for (const a of p.alerts) expect(ids.has(a.labels.id)).toBe(true);
    stop();
  });

  it('a failure while the next write is pending fails only the in-flight posts, and the pending ones still commit', async () => {
    const gated = new GatedDb(db.pool);
    gated.failAppends.add(1);
    const store = new AlertStore(systemClock);
    const persistence = new AlertPersistence(gated, logger);
    const stop = persistence.attach(store);

    const first = post(store, persistence, batch(2));
    await tick();
    const second = post(store, persistence, batch(3));
    gated.release(); // the first write fails
    await first.done;
    expect(first.seen.ok).toBe(false);
    await tick();
    // The retry of the first post's alerts rides with the second post's write.
    expect(gated.appends).toEqual([2, 5]);
    gated.release();
    await second.done;
    expect(second.seen).toEqual({ settled: true, ok: true, visibleWhenAcked: true });
    const ids = await committedIds();
    for (const a of first.alerts) expect(ids.has(a.labels.id)).toBe(true);
    stop();
  });
});
