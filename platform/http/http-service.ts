import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import express, { type Express } from 'express';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { httpMetrics } from '../metrics/registry';
import { errorHandler } from './error-handler';
import { expressMessageClasses } from './express-messages';
import { requestLogger } from './request-logger';

export type ReadinessCheck = () => Promise<void>;

export interface HttpServiceOptions {
  name: string;
  host: string;
  port: number;
  registry: Registry;
  logger: Logger;
  /** Mounts the service's own routes; runs after the ops endpoints and metrics middleware. */
  routes: (app: Express) => void;
  /** Throws (with a reason) while a dependency is unreachable; /readyz then answers 503. */
  readiness?: ReadinessCheck;
  /** How long shutdown waits for in-flight requests before closing their sockets. */
  drainTimeoutMs?: number;
  /**
   * How long /readyz answers 503 before the listener closes, so a load balancer stops
   * routing here before connections are refused (default FRESHTRACK_SHUTDOWN_DELAY_MS or 0).
   */
  drainDelayMs?: number;
}

export interface HttpService {
  readonly url: string;
  readonly port: number;
  readonly server: Server;
  /** Readiness goes false, in-flight requests finish, the listener closes. */
  close(): Promise<void>;
}

/**
 * startHttpService serves a role's routes beside the ops endpoints every role has:
 * `/healthz` (the process is alive), `/readyz` (dependencies reachable, not draining) and
 * `/metrics` (Prometheus exposition of the role's registry).
 */
export async function startHttpService(opts: HttpServiceOptions): Promise<HttpService> {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  let draining = false;

  app.use(requestLogger(opts.logger));
  app.use(httpMetrics(opts.registry, opts.name));
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    if (draining) return void res.status(503).json({ status: 'draining' });
    try {
      await opts.readiness?.();
      res.json({ status: 'ready' });
    } catch (err) {
      res.status(503).json({ status: 'not ready', reason: (err as Error).message });
    }
  });
  app.get('/metrics', async (_req, res) => {
    res.set('Content-Type', opts.registry.contentType).send(await opts.registry.metrics());
  });
  opts.routes(app);
  app.use((req, res) => {
    res.status(404).json({ error: `no route for ${req.method} ${req.path}` });
  });
  app.use(errorHandler(opts.logger));

  const server = createServer(expressMessageClasses(app), app);
  server.keepAliveTimeout = 65_000;
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const displayHost = opts.host === '0.0.0.0' || opts.host === '::' ? '127.0.0.1' : opts.host;
  const url = `http://${displayHost.includes(':') ? `[${displayHost}]` : displayHost}:${port}`;
  opts.logger.info({ url }, `${opts.name} listening`);

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      draining = true;
      const delay = opts.drainDelayMs ?? Number(process.env.FRESHTRACK_SHUTDOWN_DELAY_MS ?? 0);
      if (delay > 0) await new Promise((r) => setTimeout(r, delay));
      const done = new Promise<void>((resolve) => server.close(() => resolve()));
      // Idle keep-alive sockets would hold close() open; busy ones finish their request.
      server.closeIdleConnections();
      const timer = setTimeout(() => sockets.forEach((s) => s.destroy()), opts.drainTimeoutMs ?? 10_000);
      await done;
      clearTimeout(timer);
      opts.logger.info(`${opts.name} stopped`);
    })();
    return closing;
  };
  return { url, port, server, close };
}
