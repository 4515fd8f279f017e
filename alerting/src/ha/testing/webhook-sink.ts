import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  path: string;
  body: { receiver?: string; status?: string; groupKey?: string; alerts?: { fingerprint: string; status: string }[] } & Record<string, unknown>;
  at: number;
}

export interface WebhookSink {
  url: string;
  /** Requests answered 2xx, with the time the sink answered. */
  received: ReceivedWebhook[];
  /** Requests held unanswered (see `hold`), with the time they arrived. */
  held: ReceivedWebhook[];
  /** Statuses to answer, in order; once used up the sink answers 200. */
  respondWith(...statuses: number[]): void;
  /** Leave the next `n` requests unanswered (the sender stays mid-send) until `release`. */
  hold(n?: number): void;
  /** Answer the held requests that are still open with 200 (they then count as received). */
  release(): void;
  close(): Promise<void>;
}

/** startWebhookSink is a real HTTP server on loopback that records what the router delivers. */
export async function startWebhookSink(): Promise<WebhookSink> {
  const received: ReceivedWebhook[] = [];
  const held: ReceivedWebhook[] = [];
  const open: { hook: ReceivedWebhook; res: ServerResponse; gone: () => boolean }[] = [];
  const statuses: number[] = [];
  let toHold = 0;
  const server: Server = createServer((req, res) => {
    let data = '';
    req.on('data', (c) => (data += c));
    req.on('end', () => {
      const hook: ReceivedWebhook = { path: req.url ?? '', body: data ? JSON.parse(data) : {}, at: Date.now() };
      if (toHold > 0) {
        toHold--;
        held.push(hook);
        let gone = false;
        res.on('close', () => (gone = true));
        open.push({ hook, res, gone: () => gone });
        return;
      }
      const status = statuses.shift() ?? 200;
      if (status < 300) received.push(hook);
      res.writeHead(status).end(status < 300 ? '' : 'sink says no');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    held,
    respondWith: (...s) => statuses.push(...s),
    hold: (n = 1) => void (toHold += n),
    release() {
      for (const { hook, res, gone } of open.splice(0)) {
        if (gone()) continue;
        received.push({ ...hook, at: Date.now() });
        res.writeHead(200).end('');
      }
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
