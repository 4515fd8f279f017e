import type { NextFunction, Request, Response } from 'express';
import { sendApiError } from './api-responses';

/** readTextBody reads the request body as UTF-8 text into `req.body`. */
export function readTextBody(req: Request, _res: Response, next: NextFunction): void {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    req.body = Buffer.concat(chunks).toString('utf8');
    next();
  });
  req.on('error', next);
}

/** requireJson answers 415 like go-openapi unless the body is application/json, then reads it as text. */
export function requireJson(req: Request, res: Response, next: NextFunction): void {
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/json') {
    return sendApiError(res, 415, 415, `unsupported media type ${JSON.stringify(type)}, only [application/json] are allowed`);
  }
  readTextBody(req, res, next);
}
