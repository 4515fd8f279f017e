/**
 * GroupCommit merges concurrent units of work into shared transactions, the way PostgreSQL
 * itself groups commits: at most `maxInFlight` batches run at once; whatever arrives while
 * they run waits and then goes out together as the next batch. An idle service therefore
 * runs each request alone (no added latency), and a busy one pays the per-transaction round
 * trips once per batch instead of once per request.
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
}

interface Waiting<T, R> {
  item: T;
  resolve: (result: R) => void;
  reject: (err: unknown) => void;
}

export class GroupCommit<T, R> {
  private readonly queue: Waiting<T, R>[] = [];
  private inFlight = 0;

  /** `run` must return one result per item, in the items' order, once they are committed. */
  constructor(
    private readonly run: (items: T[]) => Promise<R[]>,
    private readonly opts: GroupCommitOptions<T>,
  ) {}

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.opts.maxInFlight && this.queue.length > 0) {
      const batch = this.takeBatch();
      this.inFlight++;
      void this.execute(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  private takeBatch(): Waiting<T, R>[] {
    const batch = [this.queue.shift()!];
    let weight = this.opts.weight(batch[0].item);
    while (this.queue.length > 0) {
      const next = this.opts.weight(this.queue[0].item);
      if (weight + next > this.opts.maxBatchWeight) break;
      weight += next;
      batch.push(this.queue.shift()!);
    }
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
