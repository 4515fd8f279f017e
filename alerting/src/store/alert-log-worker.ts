/**
 * The alert log's writer thread (see alert-log-writer.ts): appends each write's rows it is sent
 * over one of its connections, and answers once they are committed. Loaded as a worker, never imported.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Pool } from 'pg';
import { appendLogRows, type LogWriterReply, type LogWriterRequest, type LogWriterSetup } from './alert-log-protocol';

const setup = workerData as LogWriterSetup;
// One connection per write the router lets run at once (AlertPersistence); kept open while idle.
// pg-pool discards a connection whose query failed for being lost and opens another on demand.
const pool = new Pool({ ...setup.client, max: setup.connections, idleTimeoutMillis: 0 });
// An idle connection that is lost is reported here, not to a query: the next write opens a new one.
pool.on('error', () => undefined);

const reply = (id: number, err?: Error & { code?: string }, rowIds?: string[]) =>
  parentPort!.postMessage((err ? { id, error: { message: err.message, code: err.code } } : { id, rowIds }) satisfies LogWriterReply);

// Connect at once, so the first writes do not wait for it; `id: 0` tells the router how that went.
void Promise.allSettled(Array.from({ length: setup.connections }, () => pool.connect())).then((opened) => {
  let failed: Error | undefined;
  for (const o of opened) {
    if (o.status === 'fulfilled') o.value.release();
    else failed ??= o.reason as Error;
  }
  reply(0, failed);
});

parentPort!.on('message', (msg: LogWriterRequest) => {
  if (msg.close) {
    void pool.end().finally(() => process.exit(0));
    return;
  }
  const { text, values } = appendLogRows(msg.rows);
  pool.query<{ id: string }>(text, values).then(
    (r) => reply(msg.id, undefined, r.rows.map((row) => row.id)),
    (err: Error) => reply(msg.id, err),
  );
});
