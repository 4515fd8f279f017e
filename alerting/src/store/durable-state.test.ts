import pino from 'pino';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/postgres';
import { AlertStore, type StoredAlert } from '../provider/alert-store';
import { MemorySilenceStore } from '../silence/silence-store';
import { Silences } from '../silence/silences';
import { systemClock } from '../types/clock';
import { AlertPersistence } from './alert-persistence';
import { PgAlertStore } from './pg-alert-store';
import { SilenceCache } from './silence-cache';

const logger = pino({ level: 'silent' });

describe('durable router state on PostgreSQL', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  const alert = (name: string, endsAt: Date, extra: Partial<StoredAlert> = {}): StoredAlert => ({
    labels: { alertname: name, site: 'kitchen-1' },
    annotations: { summary: `${name} is firing` },
    startsAt: new Date(Date.now() - 60_000),
    endsAt,
    generatorURL: 'http://prometheus.test/graph',
    updatedAt: new Date(),
    fingerprint: `fp-${name}`,
    timeout: false,
    ...extra,
  });

  it('alerts put into the provider survive a restart, with every field', async () => {
    const before = new AlertStore(systemClock);
    const persistence = new AlertPersistence(db.pool, logger);
    const stop = persistence.attach(before);
    const firing = alert('Firing', new Date(Date.now() + 300_000), { timeout: true });
    const resolvedRecently = alert('ResolvedRecently', new Date(Date.now() - 1000));
    const resolvedLongAgo = alert('ResolvedLongAgo', new Date(Date.now() - 3600_000));
    before.put(firing);
    before.put(resolvedRecently);
    before.put(resolvedLongAgo);
    await persistence.flush();
    stop();

    const after = new AlertStore(systemClock);
    const restored = await new AlertPersistence(db.pool, logger).restore(after, new Date(Date.now() - 600_000));
    expect(restored).toBe(2);
    expect(after.get('fp-Firing')).toEqual(firing);
    expect(after.get('fp-ResolvedRecently')).toEqual(resolvedRecently);
    expect(after.get('fp-ResolvedLongAgo')).toBeUndefined();
    expect(await persistence.gc(new Date(Date.now() - 600_000))).toBe(1);
  });

  it('a later update wins; an older one arriving late does not overwrite it, in the log or folded', async () => {
    const store = new AlertStore(systemClock);
    const persistence = new AlertPersistence(db.pool, logger);
    const stop = persistence.attach(store);
    const newer = alert('Order', new Date(Date.now() + 300_000), { annotations: { summary: 'newer' }, updatedAt: new Date(Date.now() + 5000) });
    store.put(newer);
    await persistence.flush();
    await persistence.fold();
    const other = new AlertStore(systemClock);
    const otherPersistence = new AlertPersistence(db.pool, logger);
    const stopOther = otherPersistence.attach(other);
    other.put(alert('Order', new Date(Date.now() + 300_000), { annotations: { summary: 'older' } }));
    await otherPersistence.flush();
    const loaded = await new PgAlertStore(db.pool).load(new Date(0));
    expect(loaded.find((a) => a.fingerprint === 'fp-Order')?.annotations).toEqual({ summary: 'newer' });
    await otherPersistence.fold();
    const row = await db.pool.query(`SELECT annotations FROM router_alerts WHERE fingerprint = 'fp-Order'`);
    expect(row.rows[0].annotations).toEqual({ summary: 'newer' });
    expect((await db.pool.query('SELECT count(*)::int AS n FROM router_alert_log')).rows[0].n).toBe(0);
    stop();
    stopOther();
  });

  it('silences are shared by replicas and survive a restart', async () => {
    const replicaA = await SilenceCache.load(db.pool, logger);
    const replicaB = await SilenceCache.load(db.pool, logger);
    const silencesA = new Silences(replicaA, systemClock, 120 * 3600_000);
    const id = silencesA.set({
      id: '',
      matchers: [{ name: 'site', value: 'kitchen-1', isRegex: false, isEqual: true }],
      startsAt: new Date(),
      endsAt: new Date(Date.now() + 3600_000),
      createdBy: 'maria@example.com',
      comment: 'defrost cycle',
    });
    await replicaA.flush();
    expect(new Silences(replicaB, systemClock, 0).mutedBy({ site: 'kitchen-1' })).toEqual([]);
    await replicaB.refresh();
    expect(new Silences(replicaB, systemClock, 0).mutedBy({ site: 'kitchen-1' })).toEqual([id]);

    const restarted = await SilenceCache.load(db.pool, logger);
    const s = restarted.get(id);
    expect(s).toMatchObject({ createdBy: 'maria@example.com', comment: 'defrost cycle', matchers: [{ name: 'site', value: 'kitchen-1', isRegex: false, isEqual: true }] });

    silencesA.expire(id);
    await replicaA.flush();
    await replicaB.refresh();
    expect(new Silences(replicaB, systemClock, 0).mutedBy({ site: 'kitchen-1' })).toEqual([]);
    expect(replicaB.get(id)?.endsAt.getTime()).toBeLessThanOrEqual(Date.now());
  });

  it('behaves like the memory store for the Silences service', async () => {
    const cache = await SilenceCache.load(db.pool, logger);
    const memory = new MemorySilenceStore();
    const input = {
      id: '',
      matchers: [{ name: 'alertname', value: 'Door.*', isRegex: true, isEqual: true }],
      startsAt: new Date(Date.now() + 60_000),
      endsAt: new Date(Date.now() + 3600_000),
      createdBy: 'ops',
      comment: 'planned',
    };
    for (const store of [cache, memory]) {
      const silences = new Silences(store, systemClock, 0);
      const id = silences.set(input);
      expect(silences.state(silences.get(id)!)).toBe('pending');
      silences.expire(id);
      expect(silences.state(silences.get(id)!)).toBe('expired');
      const later = new Silences(store, { ...systemClock, now: () => new Date(Date.now() + 1000) }, 0);
      expect(later.gc()).toBeGreaterThanOrEqual(1);
      expect(later.get(id)).toBeUndefined();
    }
    await cache.flush();
    const again = await SilenceCache.load(db.pool, logger);
    expect(again.all().filter((s) => s.createdBy === 'ops')).toEqual([]);
  });
});
