import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { rateLimit } from 'express-rate-limit';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { Logger } from 'pino';
import { hashDeviceKey, isWellFormedDeviceKey } from '../../../platform/contracts/device-key';
import { AppError, ForbiddenError, TooManyRequestsError, UnauthorizedError } from '../../../platform/errors/app-error';
import type { Pool } from '../../../platform/db/pool';
import { extractReadings, type ValidatedBatch } from '../domain/validate-readings';
import type { IngestMetrics } from '../metrics/ingest-metrics';
import { DeviceKeyCache } from '../services/device-key-cache';
import type { ReadingIngestService } from '../services/reading-ingest-service';
import { findDeviceKey, type DeviceKeyRecord } from '../stores/device-key-store';

export interface ReadingsRouteOptions {
  pool: Pool;
  service: ReadingIngestService;
  metrics: IngestMetrics;
  logger: Logger;
  maxBatch: number;
  maxBodyBytes: number;
  rateLimitPerSecond: number;
  /** Readings per second each key may post (on top of the request limit); at least maxBatch. */
  readingsPerSecondPerKey: number;
  deviceKeyCacheSeconds: number;
}

type Locals = { deviceKey: DeviceKeyRecord };

interface TakenReadings {
  batch: ValidatedBatch;
  /** Readings in the request, valid or not. */
  count: number;
}

/**
 * takeReadings validates the request's readings and lets go of its parsed body, which nothing
 * needs past validation. Held by the request, or by the route's async function (V8 keeps a
 * suspended function's locals alive), a batch of parsed readings would live through the wait
 * for a shared write transaction and be copied by every scavenge meanwhile. So the body is
 * read here, in a plain function, and only the validated batch goes on.
 */
function takeReadings(req: Request, orgSlug: string, maxBatch: number, validate: (items: unknown[]) => ValidatedBatch): TakenReadings {
  const body = req.body as unknown;
  req.body = undefined;
  const declaredOrg = body && typeof body === 'object' ? (body as Record<string, unknown>).org : undefined;
  if (declaredOrg !== undefined && declaredOrg !== orgSlug) throw new ForbiddenError('org: this device key may not write to that organization');
  const items = extractReadings(body, { maxBatch });
  if (!Array.isArray(items)) throw new AppError(items.status, `${items.field}: ${items.reason}`, { field: items.field, reason: items.reason });
  return { batch: validate(items), count: items.length };
}

/**
 * readingsRouter serves POST /v1/readings. Order matters: authenticate (401 before anything
 * else is revealed), rate-limit per key (429), then content type (415), body size (413) and
 * JSON (400), and only then validate and store.
 */
export function readingsRouter(opts: ReadingsRouteOptions): Router {
  const router = express.Router();
  const keys = new DeviceKeyCache(opts.deviceKeyCacheSeconds * 1000);

  const authenticate = async (req: Request, res: Response, next: NextFunction) => {
    try {
      const header = req.get('authorization') ?? '';
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      if (!match) throw new UnauthorizedError('Authorization: Bearer <device key> required');
      if (!isWellFormedDeviceKey(match[1])) throw new UnauthorizedError('unknown or revoked device key');
      const keyHash = hashDeviceKey(match[1]);
      const key = await keys.get(keyHash, () => findDeviceKey(opts.pool, keyHash));
      if (!key || key.revoked) throw new UnauthorizedError('unknown or revoked device key');
      (res.locals as Locals).deviceKey = key;
      // The request's own log line (written when it finishes) names the organization too.
      req.log = req.log.child({ org: key.orgSlug });
      next();
    } catch (err) {
      next(err);
    }
  };

  // In-process fixed one-second window per key: each replica enforces the limit on its own
  // share of traffic (see docs/adr/0011). One key flooding never consumes another's budget.
  const limiter = rateLimit({
    windowMs: 1000,
    limit: opts.rateLimitPerSecond,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    keyGenerator: (_req, res) => (res.locals as Locals).deviceKey.id,
    handler: (_req, _res, next) => {
      opts.metrics.rateLimited.inc();
      next(new TooManyRequestsError('rate limit exceeded for this device key, retry later', 1));
    },
  });

  // Requests alone do not bound the work: 100 requests/s of 5,000 readings each is more than a
  // replica writes. A second budget counts readings per key (rate-limiter-flexible: a token
  // bucket per key, weighted by the batch), so one key cannot fill the write queue.
  const readingBudget = new RateLimiterMemory({ points: opts.readingsPerSecondPerKey, duration: 1 });

  const requireJson = (req: Request, _res: Response, next: NextFunction) => {
    if (!req.is('application/json')) return next(new AppError(415, 'Content-Type must be application/json', { field: 'Content-Type' }));
    next();
  };

  router.post(
    '/v1/readings',
    authenticate,
    limiter,
    requireJson,
    express.json({ limit: opts.maxBodyBytes, strict: false }),
    async (req: Request, res: Response, next: NextFunction) => {
      const started = process.hrtime.bigint();
      const receivedAt = new Date();
      const { deviceKey } = res.locals as Locals;
      const { requestId } = req; // set, validated and echoed by the request logger
      let outcome = 'error';
      try {
        let taken: TakenReadings;
        try {
          taken = takeReadings(req, deviceKey.orgSlug, opts.maxBatch, (items) => opts.service.validate(items, receivedAt));
        } catch (err) {
          outcome = err instanceof ForbiddenError ? 'forbidden' : err instanceof AppError ? 'invalid' : 'error';
          throw err;
        }
        const { batch, count } = taken;
        try {
          await readingBudget.consume(deviceKey.id, count);
        } catch (refused) {
          if (!(refused instanceof RateLimiterRes)) throw refused;
          outcome = 'rate_limited';
          opts.metrics.rateLimited.inc();
          throw new TooManyRequestsError(
            `readings per second exceeded for this device key (${opts.readingsPerSecondPerKey}), retry later`,
            Math.max(1, Math.ceil(refused.msBeforeNext / 1000)),
          );
        }
        opts.metrics.batchSize.observe(count);
        const result = await opts.service.storeValidated(deviceKey, batch, receivedAt, requestId);
        const log = { org: deviceKey.orgSlug, requestId, readings: count, ...result, rejected: result.rejected.length };
        if (result.accepted + result.duplicates === 0) {
          outcome = 'invalid';
          opts.logger.info(log, 'readings rejected');
          const first = result.rejected[0];
          res.status(400).json({ error: `readings[${first.index}].${first.field}: ${first.reason}`, ...result });
          return;
        }
        outcome = result.rejected.length ? 'partial' : 'ok';
        opts.logger.debug(log, 'readings stored');
        res.status(200).json(result);
      } catch (err) {
        next(err);
      } finally {
        opts.metrics.requestDuration.observe({ outcome }, Number(process.hrtime.bigint() - started) / 1e9);
      }
    },
  );
  return router;
}
