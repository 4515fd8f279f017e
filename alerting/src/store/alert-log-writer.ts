import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Pool } from '../../../platform/db/pool';
import { PROJECT_ROOT } from '../../../platform/paths';
import { appendLogRows, type LogRow, type LogWriterReply, type LogWriterRequest, type LogWriterSetup } from './alert-log-protocol';
import type { Queryable } from './queryable';

/** AlertLogWriter appends one write's rows to router_alert_log in one insert; `append` resolves to their ids once they are committed. */
export interface AlertLogWriter {
  append(rows: LogRow[]): Promise<string[]>;
  close(): Promise<void>;
}

/** queryLogWriter appends on the caller's thread, through `q`. */
export function queryLogWriter(q: Queryable): AlertLogWriter {
  return {
    append: async (rows) => {
      const { text, values } = appendLogRows(rows);
      return (await q.query<{ id: string }>(text, values)).rows.map((r) => r.id);
    },
    close: () => Promise.resolve(),
  };
}

/** The compiled worker script: beside this module in dist/, and under dist/ when running from source (tests). */
function workerScript(): string {
  const beside = join(__dirname, 'alert-log-worker.js');
  return existsSync(beside) ? beside : join(PROJECT_ROOT, 'dist', 'alerting', 'src', 'store', 'alert-log-worker.js');
}

interface Waiting {
  resolve(rowIds: string[]): void;
  reject(err: Error): void;
}

interface Thread {
  worker: Worker;
  /** Writes sent to this thread and not answered yet, by id; 0 is its first connection. */
  waiting: Map<number, Waiting>;
}

/**
 * WorkerLogWriter appends from a worker thread with connections of its own. The router does
 * all its request work on one thread; handing the pg driver's share of a write (the rows of
 * a few requests of hundreds of alerts: the protocol, the socket writes of a few hundred kB,
 * the reply) to a second thread frees the main one for the next POST.
 * A row still counts as written only once the worker reports its commit, so a 2xx means
 * committed as before.
 *
 * If the thread dies, the writes it held fail (their POSTs get a 5xx and their alerts go out
 * again with the next write) and the next append starts a new one.
 */
export class WorkerLogWriter implements AlertLogWriter {
  private thread: Thread | undefined;
  private nextId = 0;

  private constructor(private readonly setup: LogWriterSetup) {}

  /**
   * open starts the thread with `connections` connections like `pool`'s (its URL, application
   * name and statement timeout; one per write allowed in flight) and waits until they are
   * open: a thread takes a few hundred milliseconds to start, which belongs before the router
   * is ready, not in its first POST. A failed connection is returned for the caller to log;
   * the thread connects again on the next write.
   */
  static async open(pool: Pool, connections: number): Promise<{ writer: WorkerLogWriter; connectError?: Error }> {
    const o = pool.options;
    const writer = new WorkerLogWriter({
      client: {
        connectionString: o.connectionString,
        application_name: o.application_name,
        statement_timeout: o.statement_timeout,
        connectionTimeoutMillis: o.connectionTimeoutMillis,
      },
      connections,
    });
    const { waiting } = writer.started();
    try {
      await new Promise<void>((resolve, reject) => waiting.set(0, { resolve: () => resolve(), reject }));
      return { writer };
    } catch (err) {
      return { writer, connectError: err as Error };
    }
  }

  append(rows: LogRow[]): Promise<string[]> {
    const id = ++this.nextId;
    const { worker, waiting } = this.started();
    const committed = new Promise<string[]>((resolve, reject) => waiting.set(id, { resolve, reject }));
    // Only an outstanding write keeps the process alive.
    worker.ref();
    worker.postMessage({ id, rows } satisfies LogWriterRequest);
    return committed;
  }

  async close(): Promise<void> {
    const worker = this.thread?.worker;
    if (!worker) return;
    this.thread = undefined;
    const exited = new Promise((r) => worker.once('exit', r));
    worker.postMessage({ close: true } satisfies LogWriterRequest);
    await exited;
  }

  private started(): Thread {
    if (this.thread) return this.thread;
    // Its garbage is the protocol messages of the writes in flight: a small young generation keeps
    // ~10 MB of the process's RSS that the default would grow to, for scavenges the main thread never sees.
    const worker = new Worker(workerScript(), { workerData: this.setup, resourceLimits: { maxYoungGenerationSizeMb: 2 } });
    const waiting = new Map<number, Waiting>();
    worker.on('message', (reply: LogWriterReply) => {
      const w = waiting.get(reply.id);
      waiting.delete(reply.id);
      if (reply.error) w?.reject(Object.assign(new Error(reply.error.message), { code: reply.error.code }));
      else w?.resolve(reply.rowIds ?? []);
      if (waiting.size === 0) worker.unref();
    });
    const failAll = (err: Error) => {
      if (this.thread?.worker === worker) this.thread = undefined;
      for (const w of waiting.values()) w.reject(err);
      waiting.clear();
    };
    worker.on('error', failAll);
    worker.on('exit', (code) => failAll(new Error(`alert log writer thread exited with code ${code}`)));
    this.thread = { worker, waiting };
    return this.thread;
  }
}
