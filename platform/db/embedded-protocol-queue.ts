import type { PGlite } from '@electric-sql/pglite';

/**
 * Frontend messages of the extended query protocol that leave state in the session (the
 * unnamed statement and portal, an error to skip past) until the same client's Sync.
 */
const EXTENDED = new Set([...'PBDECH'].map((c) => c.charCodeAt(0)));

interface Queued {
  handlerId: number;
  message: Uint8Array;
  onData: (data: Uint8Array) => void;
  resolve: (bytes: number) => void;
  reject: (err: unknown) => void;
}

/**
 * ExclusiveProtocolQueue feeds the frontend messages of every connection of pglite-socket
 * to PGlite's one backend. pglite-socket 0.2.17's own queue keeps a connection's turn only
 * while a transaction is open, so two connections' Parse/Bind/Execute/Sync sequences
 * interleave: one binds its parameters to the other's statement (wrong rows or errors), and
 * an error thrown there stops the queue for good (electric-sql/pglite#1046, open). This one
 * keeps the backend for one connection from its first extended-protocol message to its Sync,
 * and through a transaction it opened, and keeps going after a failed message. It replaces
 * the server's queue (same methods) before the server accepts connections.
 *
 * COPY FROM STDIN is not covered (its data messages would need the same turn); the embedded
 * database is never sent COPY (INGEST_COPY_MIN_ROWS is 0 there).
 */
export class ExclusiveProtocolQueue {
  private queue: Queued[] = [];
  private processing = false;
  /** The connection whose messages ran last; it keeps the backend while `pinned()`. */
  private owner: number | null = null;
  private midSequence = false;

  constructor(private readonly db: PGlite) {}

  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    return new Promise((resolve, reject) => {
      this.queue.push({ handlerId, message, onData, resolve, reject });
      void this.process();
    });
  }

  getQueueLength(): number {
    return this.queue.length;
  }

  /** clearQueueForHandler drops a disconnected connection's waiting messages. */
  clearQueueForHandler(handlerId: number): void {
    this.queue = this.queue.filter((q) => {
      if (q.handlerId !== handlerId) return true;
      q.reject(new Error('Handler disconnected'));
      return false;
    });
  }

  /** clearTransactionIfNeeded releases the backend from a disconnected connection, rolling back what it left open. */
  async clearTransactionIfNeeded(handlerId: number): Promise<void> {
    if (this.owner !== handlerId) return;
    if (this.db.isInTransaction()) await this.db.exec('ROLLBACK');
    this.owner = null;
    this.midSequence = false;
    void this.process();
  }

  private pinned(): boolean {
    return this.owner !== null && (this.midSequence || this.db.isInTransaction());
  }

  private async process(): Promise<void> {
    if (this.processing) return;
    this.processing = true;
    try {
      while (this.queue.length > 0) {
        const at = this.pinned() ? this.queue.findIndex((q) => q.handlerId === this.owner) : 0;
        // The owner's next message has not arrived yet: its enqueue starts processing again.
        if (at === -1) return;
        const [item] = this.queue.splice(at, 1);
        this.owner = item.handlerId;
        this.midSequence = EXTENDED.has(item.message[0]);
        let bytes = 0;
        try {
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(item.message, {
              onRawData: (data) => {
                bytes += data.length;
                item.onData(data);
              },
            }),
          );
        } catch (err) {
          item.reject(err);
          continue;
        }
        item.resolve(bytes);
      }
    } finally {
      this.processing = false;
    }
  }
}
