import type { Response } from 'express';
import { goJson } from '../../types/go-json';

/** sendApiError answers go-openapi's `{code,message}` error body. */
export function sendApiError(res: Response, status: number, code: number, message: string): void {
  // setHeader + end: express's send() would append "; charset=utf-8", which go-openapi does not.
  res.status(status).setHeader('Content-Type', 'application/json');
  res.end(goJson({ code, message }));
}

/** sendJson answers a go-openapi JSON payload (json.Encoder: trailing newline). */
export function sendJson(res: Response, status: number, value: unknown): void {
  res.status(status).setHeader('Content-Type', 'application/json');
  res.end(`${goJson(value)}\n`);
}

/** sendEmpty answers with no body and no Content-Type, as Alertmanager's empty responses. */
export function sendEmpty(res: Response, status: number): void {
  res.status(status);
  res.removeHeader('Content-Type');
  res.end();
}
