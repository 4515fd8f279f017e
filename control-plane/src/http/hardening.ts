import type { Express, NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import { rateLimit } from 'express-rate-limit';
import type { ControlPlaneConfig } from '../config/control-plane-config';

/**
 * applyHardening: security headers (helmet), CORS only for configured origins, and a limit
 * on failed authentications per client address (only 401 answers count, so a busy
 * legitimate client is never throttled; a token-guessing one is, with 429 + Retry-After).
 */
export function applyHardening(app: Express, config: ControlPlaneConfig): void {
  app.use(helmet({ contentSecurityPolicy: { directives: { 'script-src': ["'none'"], 'style-src': ["'self'", "'unsafe-inline'"] } } }));
  if (config.corsOrigins.length) {
    const allowed = new Set(config.corsOrigins);
    app.use((req: Request, res: Response, next: NextFunction) => {
      const origin = req.get('origin');
      if (origin && allowed.has(origin)) {
        res.setHeader('Access-Control-Allow-Origin', origin);
        res.setHeader('Vary', 'Origin');
        res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type');
        res.setHeader('Access-Control-Allow-Methods', 'GET, POST, PUT, PATCH, DELETE');
        res.setHeader('Access-Control-Max-Age', '600');
        if (req.method === 'OPTIONS') return void res.status(204).end();
      }
      next();
    });
  }
  app.use(
    rateLimit({
      windowMs: 60_000,
      limit: config.authFailureLimit,
      standardHeaders: 'draft-7',
      legacyHeaders: false,
      skipSuccessfulRequests: true,
      requestWasSuccessful: (_req, res) => res.statusCode !== 401,
      message: { error: 'too many failed authentication attempts; retry later' },
    }),
  );
}
