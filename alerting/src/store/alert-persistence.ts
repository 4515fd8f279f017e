import type { Logger } from 'pino';
import type { AlertStore, StoredAlert } from '../provider/alert-store';
import type { AlertLogWriter } from './alert-log-writer';
import { PgAlertStore } from './pg-alert-store';
import type { Queryable } from './queryable';

/** A write's outcome, shared by every caller whose updates it carries. */
interface Outcome {
  promise: Promise<void>;
  resolve(): void;
  reject(err: Error): void;
}

function outcome(): Outcome {
  let resolve!: () => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // Nobody may be waiting on a background write; its failure is logged, not unhandled.
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

/** After a failed write nobody waits for, its alerts are retried this much later (unless a write comes first). */
const RETRY_MS = 1000;

/** A write starts a fold of the log into router_alerts if none started for this long. */
const FOLD_MS = 5000;

/**
 * How many log writes may be in flight at once. With one, every POST waited for the write
 * before its own as well as for its own; a second lets the next write start while the first
 * commits (bench/alerting-vs-alertmanager, with the row posted as a string: accepted alerts/s
 * +6 to +21 % in the same minutes; a third measured no better; docs/performance/alerting.md).
 */
export const LOG_WRITES_IN_FLIGHT = 2;

/**
 * AlertPersistence mirrors the in-memory alert provider into PostgreSQL, so a router
 * restarted mid-incident relearns its alerts (and still sends their resolution) instead of
 * waiting for Prometheus to re-send them. Writes append to router_alert_log, which is folded
 * into router_alerts (PgAlertStore) off the request path: at start, by the retention job, and
 * in the background after a write at most every FOLD_MS. Nothing is lost while it is not
 * folded: a starting router reads the log too.
 *
 * Writes are group commits: up to LOG_WRITES_IN_FLIGHT run at a time, and updates arriving
 * meanwhile, from every concurrent POST, accumulate into the next, which starts when one
 * finishes. Writes in flight never share an alert: the log tells an alert's updates apart by
 * updatedAt and then by row id, and two concurrent inserts may take their ids in either order.
 * `flush()` resolves once every write carrying updates made before it has committed and
 * rejects if one failed, so the API answers 2xx only for committed alerts and 5xx to every
 * POST that waited for a failed write. A failed write's alerts go out again with the next one.
 */
export class AlertPersistence {
  private pending = new Map<string, StoredAlert>();
  /** The outcome of the write that will carry `pending`; created when someone waits for it. */
  private next: Outcome | undefined;
  /** The writes in flight: their alerts by fingerprint, and their outcomes. */
  private readonly inFlight = new Map<Map<string, StoredAlert>, Promise<void>>();
  /** Whether a pending alert is carried by a write in flight, so the next write must wait for it. */
  private blocked = false;
  private scheduled = false;
  private retry: NodeJS.Timeout | undefined;
  private folding: Promise<void> | undefined;
  private lastFold = 0;
  private readonly db: PgAlertStore;

  /** @param writer appends the log rows (default: through `q`). */
  constructor(
    q: Queryable,
    private readonly logger: Logger,
    writer?: AlertLogWriter,
  ) {
    this.db = new PgAlertStore(q, writer);
  }

  /** restore puts the stored alerts whose endsAt is after `since` into the provider; call before attach. */
  async restore(into: AlertStore, since: Date): Promise<number> {
    const alerts = await this.db.load(since);
    for (const a of alerts) into.put(a);
    // What this or another router left in the log before it stopped.
    await this.fold();
    return alerts.length;
  }

  /** attach follows the provider's updates; the returned function stops following. */
  attach(from: AlertStore): () => void {
    return from.subscribe((a) => {
      this.pending.set(a.fingerprint, a);
      if (!this.blocked && this.inFlight.size > 0) this.blocked = this.carried(a.fingerprint);
      this.schedule();
    });
  }

  /** fold moves everything committed to the log so far into router_alerts; a failure is logged (the next fold takes the rows). */
  async fold(): Promise<void> {
    const run = async () => {
      this.lastFold = Date.now();
      try {
        await this.db.fold();
      } catch (err) {
        this.logger.warn({ err }, 'folding the alert log into router_alerts failed');
      }
    };
    // A fold under way may have started before rows the caller means: fold again after it.
    const folded = (this.folding ?? Promise.resolve()).then(run);
    this.folding = folded;
    await folded;
    if (this.folding === folded) this.folding = undefined;
  }

  /** schedule starts a write after the current task, so one POST's alerts go out together. */
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      this.write();
    });
  }

  /**
   * write appends everything pending as one log row, unless LOG_WRITES_IN_FLIGHT writes are in
   * flight or one of them carries one of its alerts (a write's end starts the next).
   */
  private write(): void {
    if (this.inFlight.size >= LOG_WRITES_IN_FLIGHT || this.pending.size === 0 || this.blocked) return;
    clearTimeout(this.retry);
    this.retry = undefined;
    const carried = this.pending;
    this.pending = new Map();
    const result = this.next ?? outcome();
    this.next = undefined;
    this.inFlight.set(carried, result.promise);
    this.db.append([...carried.values()]).then(
      () => {
        this.landed(carried);
        result.resolve();
        this.write();
        if (!this.folding && Date.now() - this.lastFold >= FOLD_MS) void this.fold();
      },
      (err: Error) => {
        this.landed(carried);
        // Keep newer updates that arrived meanwhile; the rest goes out again with the next write.
        for (const [fp, a] of carried) if (!this.pending.has(fp)) this.pending.set(fp, a);
        this.logger.error({ err, alerts: carried.size }, 'persisting alerts to PostgreSQL failed');
        result.reject(err);
        // A caller waiting for the next write gets it now; otherwise retry later, not in a tight loop.
        if (this.next) this.write();
        else
          this.retry ??= setTimeout(() => {
            this.retry = undefined;
            this.write();
          }, RETRY_MS).unref();
      },
    );
  }

  /** carried: whether a write in flight carries the alert. */
  private carried(fingerprint: string): boolean {
    for (const alerts of this.inFlight.keys()) if (alerts.has(fingerprint)) return true;
    return false;
  }

  /** landed forgets a finished write; what was pending behind it may go now, unless the other write carries some of it. */
  private landed(alerts: Map<string, StoredAlert>): void {
    this.inFlight.delete(alerts);
    if (this.blocked) this.blocked = this.pendingCarried();
  }

  private pendingCarried(): boolean {
    if (this.inFlight.size === 0) return false;
    for (const fp of this.pending.keys()) if (this.carried(fp)) return true;
    return false;
  }

  /**
   * flush waits until every update seen so far is committed and throws if that failed: the
   * writes in flight (a caller's alerts may have left with one of them) and, with updates
   * pending, the next write, which carries a failed write's alerts again.
   */
  async flush(): Promise<void> {
    const writes = [...this.inFlight.values()];
    if (this.pending.size > 0) {
      this.next ??= outcome();
      writes.push(this.next.promise);
      this.write();
    }
    await Promise.all(writes);
  }

  /** gc folds the log and deletes alerts resolved before `before`. */
  gc(before: Date): Promise<number> {
    return this.db.gc(before);
  }
}
