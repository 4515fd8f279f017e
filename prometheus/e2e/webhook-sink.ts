import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The Alertmanager webhook payload fields the end-to-end checks read. */
export interface WebhookMessage {
  receiver: string;
  status: 'firing' | 'resolved';
  groupLabels: Record<string, string>;
  alerts: { status: string; labels: Record<string, string>; annotations: Record<string, string> }[];
}

export interface WebhookSink {
  url: string;
  messages: WebhookMessage[];
  close(): Promise<void>;
}

/**
 * startWebhookSink is a loopback HTTP server recording every webhook notification it gets. It
 * answers 500 to notifications carrying an alert named in `failAlertnames`, as a receiver that
 * is down would, so the router's failure counters move.
 */
export async function startWebhookSink(failAlertnames: string[] = []): Promise<WebhookSink> {
  const messages: WebhookMessage[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      try {
        const message = JSON.parse(body) as WebhookMessage;
        messages.push(message);
        const fail = message.alerts.some((a) => failAlertnames.includes(a.labels.alertname));
        res.writeHead(fail ? 500 : 200).end();
      } catch {
        res.writeHead(400).end('not JSON');
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/alerts`,
    messages,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
