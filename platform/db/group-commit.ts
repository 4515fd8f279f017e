/**
 * GroupCommit merges concurrent units of work into shared transactions, the way PostgreSQL
 * itself groups commits: at most `maxInFlight` batches run at once; whatever arrives while
 * they run waits and then goes out together as the next batch. An idle service therefore
 * runs each request alone (no added latency), and a busy one pays the per-transaction round
 * trips once per batch instead of once per request.
 *
 * With `fairBy`, batches take items round-robin across keys (ingest: organizations), so a key
 * with many items waiting shares each batch with the others instead of holding them behind
 * its backlog; a key's own items keep their order.
 *
 * Each submitter gets its own result, and only after the batch holding its item committed.
 * If a batch fails, its items are retried one by one, so one bad item fails alone and the
 * others still commit, unless `retryAlone` says the error is not about the items (a database
 * that cannot be reached): then every item of the batch fails at once with it.
 */
export interface GroupCommitOptions<T> {
  maxInFlight: number;
  /** A batch stops growing once the weights of its items reach this (one item always fits). */
  maxBatchWeight: number;
  weight: (item: T) => number;
  /** Called with each batch's item count, for a histogram. */
  onBatch?: (items: number) => void;
  /** Whether a failed batch's items are worth retrying one by one (default: always). */
  retryAlone?: (err: unknown) => boolean;
  /** Items with different keys share batches round-robin (default: one key, first come first served). */
  fairBy?: (item: T) => string;
}

interface Waiting<T, R> {
  item: T;
  resolve: (result: R) => void;
  reject: (err: unknown) => void;
}

export class GroupCommit<T, R> {
  /** Waiting items by key, each in arrival order. */
  private readonly queues = new Map<string, Waiting<T, R>[]>();
  /** The batch that last took an item of each key: keys served longest ago go first. */
  private readonly served = new Map<string, number>();
  private batches = 0;
  private waiting = 0;
  private inFlight = 0;

  /** `run` must return one result per item, in the items' order, once they are committed. */
  constructor(
    private readonly run: (items: T[]) => Promise<R[]>,
    private readonly opts: GroupCommitOptions<T>,
  ) {}

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const key = this.opts.fairBy?.(item) ?? '';
      const queue = this.queues.get(key);
      if (queue) queue.push({ item, resolve, reject });
      else this.queues.set(key, [{ item, resolve, reject }]);
      this.waiting++;
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.opts.maxInFlight && this.waiting > 0) {
      const batch = this.takeBatch();
      this.inFlight++;
      void this.execute(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  /**
   * takeBatch takes the oldest waiting item of each key in turn, keys served longest ago
   * first (then in order of arrival), until the batch is full. An item that does not fit is
   * left for a later batch, and so is everything behind it of its key. The first item always
   * fits.
   */
  private takeBatch(): Waiting<T, R>[] {
    const batch: Waiting<T, R>[] = [];
    const order = [...this.queues.keys()].sort((a, b) => (this.served.get(a) ?? -1) - (this.served.get(b) ?? -1));
    const n = ++this.batches;
    let weight = 0;
    for (let took = true; took && this.waiting > 0; ) {
      took = false;
      for (const key of order) {
        const queue = this.queues.get(key);
        if (!queue) continue;
        const next = this.opts.weight(queue[0].item);
        if (batch.length > 0 && weight + next > this.opts.maxBatchWeight) continue;
        batch.push(queue.shift()!);
        weight += next;
        this.waiting--;
        took = true;
        this.served.set(key, n);
        if (queue.length === 0) this.queues.delete(key);
      }
    }
    // Forget keys long gone rather than grow without bound (one entry per organization seen).
    if (this.served.size > 10_000) for (const key of this.served.keys()) if (!this.queues.has(key)) this.served.delete(key);
    return batch;
  }

  private async execute(batch: Waiting<T, R>[]): Promise<void> {
    this.opts.onBatch?.(batch.length);
    try {
      const results = await this.run(batch.map((w) => w.item));
      batch.forEach((w, i) => w.resolve(results[i]));
      return;
    } catch (err) {
      if (batch.length === 1 || this.opts.retryAlone?.(err) === false) {
        for (const w of batch) w.reject(err);
        return;
      }
    }
    for (const w of batch) {
      try {
        w.resolve((await this.run([w.item]))[0]);
      } catch (err) {
        w.reject(err);
      }
    }
  }
}
