import { randomUUID } from 'node:crypto';
import { trace } from '@opentelemetry/api';
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';

declare module 'express-serve-static-core' {
  interface Request {
    /** Per-request logger carrying request_id, trace_id and span_id. */
    log: Logger;
    requestId: string;
  }
}

const OPS_PATHS = new Set(['/healthz', '/readyz', '/metrics', '/-/healthy', '/-/ready']);

/**
 * requestLogger gives each request a child logger bound to its request id and to the trace
 * and span ids of the server span, captured at request start (the async context is not
 * reliably active in later callbacks such as `finish`), and logs one line per request.
 * Probe and scrape endpoints log at debug so they do not drown the useful lines.
 */
export function requestLogger(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const incoming = req.get('x-request-id');
    req.requestId = incoming && /^[\w.:-]{1,128}$/.test(incoming) ? incoming : randomUUID();
    res.setHeader('X-Request-Id', req.requestId);
    const spanContext = trace.getActiveSpan()?.spanContext();
    req.log = logger.child({
      request_id: req.requestId,
      ...(spanContext ? { trace_id: spanContext.traceId, span_id: spanContext.spanId } : {}),
    });
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
      const level = OPS_PATHS.has(req.path) ? 'debug' : res.statusCode >= 500 ? 'error' : 'info';
      req.log[level]({ method: req.method, path: req.path, status: res.statusCode, duration_ms: Math.round(durationMs * 10) / 10 }, 'request');
    });
    next();
  };
}
