import { Router } from 'express';
import type { Logger } from 'pino';
import type { Pool } from '../../../platform/db/pool';
import { NotificationHistoryStore } from '../store/notification-history-store';
import { apiErrors } from './api-errors';
import { parseHistoryQuery } from './domain/history-query';

/**
 * historyRouter serves `GET /api/v2/notifications` (Alertmanager #172/#2304): every delivery
 * attempt of every replica with time, receiver, integration, group key, fingerprints, outcome
 * and error, newest first. Page on with `before=<id of the last entry>` while `next` is set.
 */
export function historyRouter(pool: Pool, logger: Logger): Router {
  const store = new NotificationHistoryStore(pool);
  const router = Router();
  router.get('/api/v2/notifications', async (req, res, next) => {
    try {
      const q = parseHistoryQuery(req.query as Record<string, unknown>);
      const entries = await store.list(q);
      res.json({ notifications: entries, next: entries.length === q.limit ? entries[entries.length - 1].id : null });
    } catch (err) {
      next(err);
    }
  });
  router.use('/api/v2/notifications', apiErrors(logger));
  return router;
}
