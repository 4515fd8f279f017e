import type { ErrorRequestHandler } from 'express';
import type { Logger } from 'pino';
import { isDatabaseUnavailable } from '../../../platform/db/pool';
import { FieldError } from './domain/field-error';

/**
 * apiErrors answers the router's own /api/v2 extensions the way the rest of Alertmanager's
 * API does, `{code, message}`: 400 naming the field, 503 while the database is away, else 500.
 */
export function apiErrors(logger: Logger): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) return next(err);
    if (err instanceof FieldError) return void res.status(400).json({ code: 400, message: err.message, field: err.field });
    if (err?.type === 'entity.parse.failed') return void res.status(400).json({ code: 400, message: `body: not valid JSON (${err.message})`, field: 'body' });
    if (err?.status === 415 || err?.type === 'encoding.unsupported') return void res.status(415).json({ code: 415, message: err.message });
    if (isDatabaseUnavailable(err)) return void res.status(503).set('Retry-After', '5').json({ code: 503, message: 'database unavailable, retry later' });
    logger.error({ err, path: req.path }, 'unhandled error in router API');
    res.status(500).json({ code: 500, message: 'internal server error' });
  };
}
