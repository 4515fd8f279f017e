import type { Express, Response } from 'express';
import type { ConfigCoordinator } from '../router/config-coordinator';

function text(res: Response, status: number, body: string): void {
  res.status(status).type('text/plain; charset=utf-8').send(body);
}

/** mountLifecycleRoutes serves Alertmanager's /-/healthy, /-/ready and /-/reload. */
export function mountLifecycleRoutes(app: Express, coordinator: ConfigCoordinator, prefix = ''): void {
  app.all([`${prefix}/-/healthy`, `${prefix}/-/ready`], (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return void res.status(405).set('Allow', 'GET, HEAD').type('text/plain; charset=utf-8').send('Method Not Allowed\n');
    text(res, 200, 'OK');
  });
  app.all(`${prefix}/-/reload`, (req, res) => {
    if (req.method !== 'POST' && req.method !== 'PUT') {
      return void res.status(405).set('Allow', 'OPTIONS, POST').type('text/plain; charset=utf-8').send('Method Not Allowed\n');
    }
    try {
      coordinator.reload();
      res.status(200).end();
    } catch (err) {
      text(res, 500, `failed to reload config: ${(err as Error).message}\n`);
    }
  });
}
