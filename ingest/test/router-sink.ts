import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';

export interface ReceivedAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt?: string;
}

export interface RouterSink {
  url: string;
  alerts: ReceivedAlert[];
  /** answer 503 to every POST while true (a router that is down but reachable) */
  failing: boolean;
  close(): Promise<void>;
}

/**
 * startRouterSink serves the router's receiving end of the Alertmanager API v2
 * (POST /api/v2/alerts, an array of postable alerts) and records what it gets.
 */
export async function startRouterSink(port = 0): Promise<RouterSink> {
  const app = express();
  const sink: RouterSink = { url: '', alerts: [], failing: false, close: async () => undefined };
  app.post('/api/v2/alerts', express.json({ limit: '5mb' }), (req, res) => {
    if (sink.failing) return void res.status(503).json({ message: 'unavailable' });
    if (!Array.isArray(req.body)) return void res.status(400).json({ code: 400, message: 'expected an array' });
    sink.alerts.push(...(req.body as ReceivedAlert[]));
    res.status(200).end();
  });
  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  sink.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  sink.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return sink;
}
