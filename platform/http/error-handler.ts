import type { ErrorRequestHandler } from 'express';
import type { Logger } from 'pino';
import { AppError, ServiceUnavailableError } from '../errors/app-error';
import { isDatabaseUnavailable } from '../db/pool';

/**
 * errorHandler maps thrown errors to JSON answers: AppErrors keep their status, body-parser
 * failures become 400/413/415, a database that cannot take the work (lost, out of connection
 * slots, a read-only standby) becomes 503 with Retry-After, anything else 500. Only 500s are
 * logged at error level; clients never see internal messages.
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) return next(err);
    const log = req.log ?? logger;
    let appError: AppError;
    if (err instanceof AppError) {
      appError = err;
    } else if (err?.type === 'entity.too.large') {
      appError = new AppError(413, `request body exceeds the limit of ${err.limit} bytes`);
    } else if (err?.type === 'entity.parse.failed') {
      appError = new AppError(400, `body: not valid JSON (${err.message})`, { field: 'body' });
    } else if (err?.type === 'encoding.unsupported' || err?.status === 415) {
      appError = new AppError(415, err.message);
    } else if (isDatabaseUnavailable(err)) {
      log.warn({ err: { message: err.message, code: err.code }, path: req.path }, 'database unavailable');
      appError = new ServiceUnavailableError('database unavailable, retry later', 5);
    } else {
      log.error({ err, path: req.path, method: req.method }, 'unhandled error');
      appError = new AppError(500, 'internal server error');
    }
    res.status(appError.statusCode).set(appError.headers).json(appError.toJSON());
  };
}
