import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  path: string;
  body: { receiver?: string; status?: string; groupKey?: string; alerts?: { fingerprint: string; status: string }[] } & Record<string, unknown>;
  at: number;
}

export interface WebhookSink {
  url: string;
  received: ReceivedWebhook[];
  /** Statuses to answer, in order; once used up the sink answers 200. */
  respondWith(...statuses: number[]): void;
  close(): Promise<void>;
}

/** startWebhookSink is a real HTTP server on loopback that records what the router delivers. */
export async function startWebhookSink(): Promise<WebhookSink> {
  const received: ReceivedWebhook[] = [];
  const statuses: number[] = [];
  const server: Server = createServer((req, res) => {
    let data = '';
    req.on('data', (c) => (data += c));
    req.on('end', () => {
      const status = statuses.shift() ?? 200;
      if (status < 300) received.push({ path: req.url ?? '', body: data ? JSON.parse(data) : {}, at: Date.now() });
      res.writeHead(status).end(status < 300 ? '' : 'sink says no');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    respondWith: (...s) => statuses.push(...s),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
