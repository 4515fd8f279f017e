import { z } from 'zod';
import { ANY_ROLE } from '../domain/roles';
import { defineRoute, type AnyRoute } from '../http/route-spec';
import { isoTime, pageQuery } from '../http/validation';

/** The fields of an Alertmanager webhook payload (version 4) the control plane relies on. */
const webhookPayload = z
  .object({
    version: z.literal('4', { errorMap: () => ({ message: 'must be "4" (Alertmanager webhook payload version)' }) }),
    receiver: z.string().min(1).max(500),
    status: z.enum(['firing', 'resolved']),
    groupKey: z.string().min(1).max(5000),
    alerts: z.array(z.object({ status: z.string(), labels: z.record(z.string()), annotations: z.record(z.string()).optional() }).passthrough()).max(10000),
  })
  .passthrough();

/**
 * POST /v1/alert-notifications receives the router's webhook deliveries, so the default
 * router configuration has a receiver to deliver to and every delivery is kept. It is
 * authenticated by the shared CONTROL_PLANE_WEBHOOK_TOKEN when one is configured.
 */
export const webhookRoutes: AnyRoute[] = [
  defineRoute({
    method: 'post', path: '/v1/alert-notifications', summary: 'Alertmanager webhook receiver (payload version 4)', tag: 'notifications', auth: 'webhook', scope: 'platform', successStatus: 202,
    body: webhookPayload,
    handler: async ({ services, body }) => {
      const { rows } = await services.pool.query<{ id: string }>(
        'INSERT INTO received_alert_notifications (receiver, status, group_key, alert_count, payload) VALUES ($1, $2, $3, $4, $5) RETURNING id::text AS id',
        [body.receiver, body.status, body.groupKey, body.alerts.length, JSON.stringify(body)],
      );
      return { status: 202, json: { id: rows[0].id, alerts: body.alerts.length } };
    },
  }),
  defineRoute({
    method: 'get', path: '/v1/alert-notifications', summary: 'Webhook notifications received for alerts labelled with the caller\'s organization', tag: 'notifications', auth: 'user', scope: 'org', roles: ANY_ROLE,
    query: z.object({ from: isoTime().optional(), to: isoTime().optional(), limit: pageQuery.limit, cursor: pageQuery.cursor }),
    handler: async ({ stores, query }) => ({ json: await stores.auditViews.receivedNotifications(query) }),
  }),
];
