import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** SinkRequest is one request a WebhookSink received. */
export interface SinkRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  raw: string;
  /** The parsed JSON body (undefined if it was not JSON). */
  body: unknown;
  receivedAt: number;
}

export interface WebhookSink {
  url: string;
  requests: SinkRequest[];
  /** Requests whose path is `path`. */
  at(path: string): SinkRequest[];
  /** Makes the sink answer `status` on `path` (default 200 everywhere). */
  respond(path: string, status: number): void;
  close(): Promise<void>;
}

/**
 * startWebhookSink runs a loopback HTTP server that records every request, for tests of
 * anything that delivers webhooks (the alert router, Alertmanager, notify scripts).
 */
export async function startWebhookSink(): Promise<WebhookSink> {
  const requests: SinkRequest[] = [];
  const statuses = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = JSON.parse(raw);
      } catch {
        body = undefined;
      }
      const path = (req.url ?? '/').split('?')[0];
      requests.push({ method: req.method ?? '', path, headers: req.headers, raw, body, receivedAt: Date.now() });
      res.statusCode = statuses.get(path) ?? 200;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    at: (path) => requests.filter((r) => r.path === path),
    respond: (path, status) => void statuses.set(path, status),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
