import type { Logger } from 'pino';
import type { AlertStore, StoredAlert } from '../provider/alert-store';
import { PgAlertStore } from './pg-alert-store';
import type { Queryable } from './queryable';

/**
 * AlertPersistence mirrors the in-memory alert provider into router_alerts, so a router
 * restarted mid-incident relearns its alerts (and still sends their resolution) instead of
 * waiting for Prometheus to re-send them. Writes are batched per tick; `flush()`
 * lets the API answer 2xx only once the posted alerts are committed.
 */
export class AlertPersistence {
  private readonly pending = new Map<string, StoredAlert>();
  private readonly inFlight = new Set<Promise<void>>();
  private scheduled = false;
  private failure: Error | undefined;
  private readonly db: PgAlertStore;

  constructor(
    q: Queryable,
    private readonly logger: Logger,
  ) {
    this.db = new PgAlertStore(q);
  }

  /** restore puts the stored alerts whose endsAt is after `since` into the provider; call before attach. */
  async restore(into: AlertStore, since: Date): Promise<number> {
    const alerts = await this.db.load(since);
    for (const a of alerts) into.put(a);
    return alerts.length;
  }

  /** attach follows the provider's updates; the returned function stops following. */
  attach(from: AlertStore): () => void {
    return from.subscribe((a) => {
      this.pending.set(a.fingerprint, a);
      if (this.scheduled) return;
      this.scheduled = true;
      queueMicrotask(() => this.write());
    });
  }

  /**
   * write sends what is pending as one upsert. Batches run concurrently: the upsert keeps the
   * newest update per alert whatever order they commit in, and rows are locked in
   * fingerprint order, so concurrent batches cannot deadlock.
   */
  private write(): void {
    this.scheduled = false;
    if (this.pending.size === 0) return;
    const batch = [...this.pending.values()].sort((a, b) => (a.fingerprint < b.fingerprint ? -1 : 1));
    this.pending.clear();
    const done: Promise<void> = this.db
      .upsert(batch)
      .catch((err: Error) => {
        this.failure = err;
        // Keep newer updates that arrived meanwhile; retry the rest with the next write.
        for (const a of batch) if (!this.pending.has(a.fingerprint)) this.pending.set(a.fingerprint, a);
        this.logger.error({ err, alerts: batch.length }, 'persisting alerts to PostgreSQL failed');
      })
      .finally(() => this.inFlight.delete(done));
    this.inFlight.add(done);
  }

  /** flush waits for every update seen so far to be committed; throws if a write failed. */
  async flush(): Promise<void> {
    this.write();
    await Promise.all([...this.inFlight]);
    const failure = this.failure;
    this.failure = undefined;
    if (failure) throw failure;
  }

  /** gc deletes alerts resolved before `before`. */
  gc(before: Date): Promise<number> {
    return this.db.gc(before);
  }
}
