/**
 * The alert log's writer thread (see alert-log-writer.ts): appends each write it is sent as
 * one row, over its own connection, and answers once it is committed. Loaded as a worker, never imported.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Client, type ClientConfig } from 'pg';
import { isConnectionError } from '../../../platform/db/pool';
import { APPEND_LOG_ROW, type LogAlert, type LogWriterReply, type LogWriterRequest } from './alert-log-protocol';

const config = workerData as ClientConfig;
let client: Promise<Client> | undefined;

/** connected opens the connection on first use and again after one was lost. */
function connected(): Promise<Client> {
  client ??= (async () => {
    const c = new Client(config);
    c.on('error', () => {
      client = undefined;
    });
    try {
      await c.connect();
      return c;
    } catch (err) {
      client = undefined;
      throw err;
    }
  })();
  return client;
}

async function append(alerts: LogAlert[]): Promise<void> {
  const pending = connected();
  const c = await pending;
  try {
    await c.query(APPEND_LOG_ROW, [JSON.stringify(alerts)]);
  } catch (err) {
    // The client's 'error' event can come after the failed query's rejection: drop a dead
    // connection now, so the next write does not go to it as well.
    if (isConnectionError(err) && client === pending) {
      client = undefined;
      c.end().catch(() => undefined);
    }
    throw err;
  }
}

// Connect at once, so the first write does not wait for it; `id: 0` tells the router how that went.
connected().then(
  () => parentPort!.postMessage({ id: 0 } satisfies LogWriterReply),
  (err: Error & { code?: string }) => parentPort!.postMessage({ id: 0, error: { message: err.message, code: err.code } } satisfies LogWriterReply),
);

parentPort!.on('message', (msg: LogWriterRequest) => {
  if (msg.close) {
    void (client ?? Promise.resolve(undefined)).then((c) => c?.end()).catch(() => undefined).finally(() => process.exit(0));
    return;
  }
  append(msg.alerts).then(
    () => parentPort!.postMessage({ id: msg.id } satisfies LogWriterReply),
    (err: Error & { code?: string }) => parentPort!.postMessage({ id: msg.id, error: { message: err.message, code: err.code } } satisfies LogWriterReply),
  );
});
