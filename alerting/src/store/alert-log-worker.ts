/**
 * The alert log's writer thread (see alert-log-writer.ts): appends each write it is sent as
 * one row, over its own connection, and answers once it is committed. Loaded as a worker, never imported.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Client, type ClientConfig } from 'pg';
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
  await (await connected()).query(APPEND_LOG_ROW, [JSON.stringify(alerts)]);
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
