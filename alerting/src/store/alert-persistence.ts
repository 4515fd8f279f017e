import type { Logger } from 'pino';
import type { Pool } from '../../../platform/db/pool';
import type { AlertStore, StoredAlert } from '../provider/alert-store';
import type { LoggedRequest, LogRow } from './alert-log-protocol';
import { toLogAlert } from './alert-log-replay';
import type { AlertLogWriter } from './alert-log-writer';
import { PgAlertStore } from './pg-alert-store';

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

/**
 * Entry is one log row to be: a request (every update it made is replayed from its body), or
 * alerts the store holds after updates that came with no request (the router's own alerts).
 */
type Entry = { request: LoggedRequest } | { alerts: Map<string, StoredAlert> };

/** Batch is what one write carries: its rows in the order of the updates, and the alerts they update as the provider stored them. */
interface Batch {
  entries: Entry[];
  alerts: Map<string, StoredAlert>;
}

const emptyBatch = (): Batch => ({ entries: [], alerts: new Map() });

const toRow = (e: Entry): LogRow => ('request' in e ? { request: e.request } : { alerts: JSON.stringify([...e.alerts.values()].map(toLogAlert)) });

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
 * waiting for Prometheus to re-send them. Writes append to router_alert_log: a POST's body as
 * it arrived (`record`), or the alerts the router made itself. Off the request path, after a
 * write at most every FOLD_MS, the router settles its committed rows: it stores the alerts its
 * provider held once they committed into router_alerts and deletes them (PgAlertStore.settle).
 * Rows a router left behind (it stopped, or crashed) are replayed into router_alerts by the
 * next to start and by the retention job (PgAlertStore.fold): nothing is lost meanwhile.
 *
 * Writes are group commits: up to LOG_WRITES_IN_FLIGHT run at a time, and updates arriving
 * meanwhile, from every concurrent POST, accumulate into the next, which starts when one
 * finishes. Writes in flight never share an alert: the log replays an alert's updates in the
 * order of row ids, and two concurrent inserts may take their ids in either order.
 * `flush()` resolves once every write carrying updates made before it has committed and
 * rejects if one failed, so the API answers 2xx only for committed alerts and 5xx to every
 * POST that waited for a failed write. A failed write's rows go out again with the next one.
 */
export class AlertPersistence {
  private pending = emptyBatch();
  /** The outcome of the write that will carry `pending`; created when someone waits for it. */
  private next: Outcome | undefined;
  /** The writes in flight and their outcomes. */
  private readonly inFlight = new Map<Batch, Promise<void>>();
  /** Whether a pending alert is carried by a write in flight, so the next write must wait for it. */
  private blocked = false;
  /** The request whose updates the store is making now (`record`), and whether it is pending yet. */
  private recording: { request: LoggedRequest; pending: boolean } | undefined;
  private scheduled = false;
  private retry: NodeJS.Timeout | undefined;
  private folding: Promise<void> | undefined;
  private lastFold = 0;
  /** What the writes committed since the last settle carried, in the order they committed, and their rows. */
  private committed: Map<string, StoredAlert>[] = [];
  private committedRows: string[] = [];
  private readonly db: PgAlertStore;

  /** @param writer appends the log rows (default: through `pool`). */
  constructor(
    pool: Pool,
    private readonly logger: Logger,
    writer?: AlertLogWriter,
  ) {
    this.db = new PgAlertStore(pool, writer, logger);
  }

  /** restore folds the log and puts the stored alerts whose endsAt is after `since` into the provider; call before attach. */
  async restore(into: AlertStore, since: Date): Promise<number> {
    this.lastFold = Date.now();
    const alerts = await this.db.load(since);
    for (const a of alerts) into.put(a);
    return alerts.length;
  }

  /** attach follows the provider's updates; the returned function stops following. */
  attach(from: AlertStore): () => void {
    return from.subscribe((a) => {
      const entries = this.pending.entries;
      if (this.recording) {
        if (!this.recording.pending) entries.push({ request: this.recording.request });
        this.recording.pending = true;
      } else {
        const last = entries[entries.length - 1];
        if (last && 'alerts' in last) last.alerts.set(a.fingerprint, a);
        else entries.push({ alerts: new Map([[a.fingerprint, a]]) });
      }
      this.pending.alerts.set(a.fingerprint, a);
      if (!this.blocked && this.inFlight.size > 0) this.blocked = this.carried(a.fingerprint);
      this.schedule();
    });
  }

  /**
   * record runs `put`, which puts a request's valid alerts into the attached provider: the log
   * keeps the request's body, which replays to those updates, instead of the alerts (a request
   * none of whose alerts was put is not logged).
   */
  record(request: LoggedRequest, put: () => void): void {
    this.recording = { request, pending: false };
    try {
      put();
    } finally {
      this.recording = undefined;
    }
  }

  /** fold settles what this router has committed to the log so far into router_alerts; a failure is logged (the next fold takes it). */
  async fold(): Promise<void> {
    const run = async () => {
      this.lastFold = Date.now();
      if (this.committedRows.length === 0) return;
      const batches = this.committed;
      const rows = this.committedRows;
      this.committed = [];
      this.committedRows = [];
      // Each alert as of the last committed write that carried it.
      const alerts = new Map<string, StoredAlert>();
      for (const batch of batches) for (const [fp, a] of batch) alerts.set(fp, a);
      try {
        await this.db.settle([...alerts.values()], rows);
      } catch (err) {
        // Kept for the next fold, before what committed meanwhile.
        this.committed = batches.concat(this.committed);
        this.committedRows = rows.concat(this.committedRows);
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
   * write appends everything pending in one insert, unless LOG_WRITES_IN_FLIGHT writes are in
   * flight or one of them carries one of its alerts (a write's end starts the next).
   */
  private write(): void {
    if (this.inFlight.size >= LOG_WRITES_IN_FLIGHT || this.pending.entries.length === 0 || this.blocked) return;
    clearTimeout(this.retry);
    this.retry = undefined;
    const carried = this.pending;
    this.pending = emptyBatch();
    const result = this.next ?? outcome();
    this.next = undefined;
    this.inFlight.set(carried, result.promise);
    this.db.append(carried.entries.map(toRow)).then(
      (rowIds) => {
        this.landed(carried);
        this.committed.push(carried.alerts);
        for (const id of rowIds) this.committedRows.push(id);
        result.resolve();
        this.write();
        if (!this.folding && Date.now() - this.lastFold >= FOLD_MS) void this.fold();
      },
      (err: Error) => {
        this.landed(carried);
        // Its rows go out again with the next write, before the updates that came after them.
        this.pending = { entries: [...carried.entries, ...this.pending.entries], alerts: new Map([...carried.alerts, ...this.pending.alerts]) };
        this.logger.error({ err, rows: carried.entries.length }, 'persisting alerts to PostgreSQL failed');
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
    for (const batch of this.inFlight.keys()) if (batch.alerts.has(fingerprint)) return true;
    return false;
  }

  /** landed forgets a finished write; what was pending behind it may go now, unless the other write carries some of it. */
  private landed(batch: Batch): void {
    this.inFlight.delete(batch);
    if (this.blocked) this.blocked = this.pendingCarried();
  }

  private pendingCarried(): boolean {
    if (this.inFlight.size === 0) return false;
    for (const fp of this.pending.alerts.keys()) if (this.carried(fp)) return true;
    return false;
  }

  /**
   * flush waits until every update seen so far is committed and throws if that failed: the
   * writes in flight (a caller's alerts may have left with one of them) and, with updates
   * pending, the next write, which carries a failed write's rows again.
   */
  async flush(): Promise<void> {
    const writes = [...this.inFlight.values()];
    if (this.pending.entries.length > 0) {
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
