import type { Logger } from 'pino';
import type { Silence } from '../silence/silence';
import type { SilenceStore } from '../silence/silence-store';
import { PgSilenceStore } from './pg-silence-store';
import type { Queryable } from './queryable';

/**
 * SilenceCache is the router's SilenceStore over PostgreSQL. Muting runs on every flush and
 * the Silences service reads synchronously, so reads come from memory; writes go to memory
 * at once and to PostgreSQL in order. `flush()` resolves once every earlier write is
 * committed (the API awaits it before answering 2xx) and `refresh()` picks up silences other
 * replicas wrote, so a silence set on one replica mutes on all within one refresh period.
 */
export class SilenceCache implements SilenceStore {
  private byId = new Map<string, Silence>();
  private writes: Promise<void> = Promise.resolve();
  private failure: Error | undefined;
  private version = 0;
  private readonly db: PgSilenceStore;

  private constructor(
    q: Queryable,
    private readonly logger: Logger,
  ) {
    this.db = new PgSilenceStore(q);
  }

  /** load reads every stored silence before the router starts muting. */
  static async load(q: Queryable, logger: Logger): Promise<SilenceCache> {
    const cache = new SilenceCache(q, logger);
    for (const s of await cache.db.list()) cache.byId.set(s.id, s);
    return cache;
  }

  all(): Silence[] {
    return [...this.byId.values()];
  }

  get(id: string): Silence | undefined {
    return this.byId.get(id);
  }

  put(s: Silence): void {
    this.byId.set(s.id, s);
    this.enqueue(() => this.db.save(s));
  }

  delete(id: string): void {
    this.byId.delete(id);
    this.enqueue(() => this.db.delete(id));
  }

  private enqueue(write: () => Promise<void>): void {
    this.version++;
    this.writes = this.writes.then(write).catch((err: Error) => {
      this.failure = err;
      this.logger.error({ err }, 'silence write to PostgreSQL failed');
    });
  }

  /** flush waits for queued writes; it throws if any failed since the last flush. */
  async flush(): Promise<void> {
    await this.writes;
    const failure = this.failure;
    this.failure = undefined;
    if (failure) throw failure;
  }

  /**
   * refresh replaces memory with the database (which holds every local write once flushed).
   * If a local write happened while reading, the result is stale and dropped: the next
   * refresh catches up.
   */
  async refresh(): Promise<void> {
    await this.flush();
    const before = this.version;
    const rows = await this.db.list();
    if (this.version !== before) return;
    this.byId = new Map(rows.map((s) => [s.id, s]));
  }
}
