import { IncomingMessage, ServerResponse } from 'node:http';
import type { Express } from 'express';

type Constructor = new (...args: never[]) => object;

/**
 * bornWith returns a constructor that runs `base`'s and whose instances have `prototype`.
 * Node 20's IncomingMessage and ServerResponse are plain functions, called with `this`;
 * Reflect.construct (needed if they become classes) gives the right object too, but V8 still
 * promotes 0.74 MB/s through it against 0.01-0.02 MB/s this way (same measurement).
 */
function bornWith<T extends Constructor>(base: T, prototype: object): T {
  const callable = !/^class\b/.test(Function.prototype.toString.call(base));
  function Born(this: unknown, ...args: unknown[]): unknown {
    if (!callable) return Reflect.construct(base, args, Born);
    (base as unknown as (...a: unknown[]) => void).apply(this, args);
    return undefined;
  }
  Born.prototype = prototype;
  return Born as unknown as T;
}

/**
 * expressMessageClasses returns request and response constructors for node:http's
 * createServer whose instances are born with express's prototypes (`app.request`,
 * `app.response`). Express's first middleware otherwise re-parents every request and response
 * with Object.setPrototypeOf, and V8 answers that by promoting ~1.3-2 MB/s into the old
 * generation at 500 requests/s, where a bare node:http server promotes ~0.01 MB/s
 * (docs/performance/ingest.md); the mark-compact collections that follow stalled ingest for
 * 40-70 ms every few seconds. With the prototype already right, express's setPrototypeOf
 * changes nothing.
 */
export function expressMessageClasses(app: Express): { IncomingMessage: typeof IncomingMessage; ServerResponse: typeof ServerResponse } {
  return { IncomingMessage: bornWith(IncomingMessage, app.request), ServerResponse: bornWith(ServerResponse, app.response) };
}
