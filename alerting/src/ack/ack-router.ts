import express, { Router } from 'express';
import type { Logger } from 'pino';
import type { Pool } from '../../../platform/db/pool';
import { apiErrors } from '../history/api-errors';
import { AckStore } from './ack-store';
import { parseAckBody } from './domain/ack-body';

/**
 * ackRouter serves `POST /api/v2/alerts/groups/{groupKey}/ack` (the control plane forwards
 * its acknowledgements here) and `GET …/acks` for the group's ack trail. The group key is
 * percent-encoded in the path, since it contains `/` and quotes. An ack is answered 200 once
 * committed; a group never notified is 404.
 */
export function ackRouter(pool: Pool, logger: Logger): Router {
  const acks = new AckStore(pool);
  const router = Router();
  router.post('/api/v2/alerts/groups/:groupKey/ack', express.json({ limit: '16kb', strict: false }), async (req, res, next) => {
    try {
      if (!req.is('application/json')) return void res.status(415).json({ code: 415, message: 'Content-Type must be application/json' });
      const body = parseAckBody(req.body);
      const ack = await acks.acknowledge(req.params.groupKey, body.acknowledgedBy, body.comment);
      if (!ack) return void res.status(404).json({ code: 404, message: `group ${req.params.groupKey} not found: it was never notified` });
      req.log?.info({ groupKey: ack.groupKey, acknowledgedBy: ack.acknowledgedBy }, 'group acknowledged');
      res.json(ack);
    } catch (err) {
      next(err);
    }
  });
  router.get('/api/v2/alerts/groups/:groupKey/acks', async (req, res, next) => {
    try {
      res.json(await acks.history(req.params.groupKey));
    } catch (err) {
      next(err);
    }
  });
  router.use('/api/v2/alerts/groups', apiErrors(logger));
  return router;
}
