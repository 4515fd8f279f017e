import { z } from 'zod';
import { AppError } from '../../../platform/errors/app-error';
import { PRODUCT_DISPOSITIONS, transitionProblem, type CorrectiveActionState } from '../domain/corrective-action';
import { ANY_ROLE, MANAGERS, RESPONDERS } from '../domain/roles';
import { auditedChange } from '../services/audited-change';
import { defineRoute, type AnyRoute } from '../http/route-spec';
import { isoTime, pageQuery, uuid } from '../http/validation';

/** 409: the request is valid but the record is not in a state that allows it. */
class StateConflictError extends AppError {
  constructor(message: string) {
    super(409, message);
  }
}

const meaning = () => z.string().trim().min(3, 'must state what the signature means').max(200);

export const excursionRoutes: AnyRoute[] = [
  defineRoute({
    method: 'get', path: '/v1/excursions', summary: 'List excursions (keyset pagination, newest first)', tag: 'excursions', auth: 'user', scope: 'org', roles: ANY_ROLE,
    query: z.object({ state: z.enum(['pending', 'open', 'closed']).optional(), unitId: uuid().optional(), from: isoTime().optional(), to: isoTime().optional(), limit: pageQuery.limit, cursor: pageQuery.cursor }),
    handler: async ({ stores, query }) => ({ json: await stores.excursions.list(query) }),
  }),
  defineRoute({
    method: 'get', path: '/v1/excursions/:excursionId', summary: 'Get an excursion with its latest acknowledgement', tag: 'excursions', auth: 'user', scope: 'org', roles: ANY_ROLE,
    handler: async ({ stores, params }) => ({ json: await stores.excursions.get(params.excursionId) }),
  }),
  defineRoute({
    method: 'get', path: '/v1/alerts', summary: 'Live alerts: excursions not yet closed, critical first', tag: 'excursions', auth: 'user', scope: 'org', roles: ANY_ROLE,
    query: z.object({ limit: pageQuery.limit }),
    handler: async ({ stores, query }) => ({ json: { items: await stores.excursions.alerts(query.limit) } }),
  }),
  defineRoute({
    method: 'post', path: '/v1/excursions/:excursionId/ack', summary: 'Acknowledge an excursion; recorded here and forwarded to the router', tag: 'excursions', auth: 'user', scope: 'org', roles: RESPONDERS, successStatus: 201,
    body: z.object({ comment: z.string().max(1000).optional(), groupKey: z.string().min(1).max(2000).optional() }),
    handler: async ({ stores, principal, params, body, services }) => {
      const excursion = await stores.excursions.get(params.excursionId);
      const groupKey = body.groupKey ?? (await stores.excursions.groupKeyFor(excursion));
      const ack = await auditedChange(stores, principal, 'acknowledge', 'excursion', async (tx) => {
        const after = await tx.excursions.recordAck({ excursionId: params.excursionId, subject: principal.subject, name: principal.name, comment: body.comment, groupKey });
        return { entityId: params.excursionId, after };
      });
      // The ack is committed before forwarding: a router outage never loses it, and the answer says what happened.
      const forwarding = groupKey
        ? await services.router.ack(groupKey, principal.name, body.comment)
        : { forwarded: false, error: 'no router group key known for this excursion (pass groupKey)' };
      await stores.excursions.recordForwarding(String(ack.id), forwarding.forwarded, forwarding.error);
      return { status: 201, json: { ...ack, forwarded: forwarding.forwarded, forwardError: forwarding.error ?? null } };
    },
  }),
  defineRoute({
    method: 'get', path: '/v1/corrective-actions', summary: 'List corrective actions (one per excursion)', tag: 'corrective-actions', auth: 'user', scope: 'org', roles: ANY_ROLE,
    query: z.object({ state: z.enum(['open', 'completed', 'verified']).optional(), limit: pageQuery.limit, cursor: pageQuery.cursor }),
    handler: async ({ stores, query }) => ({ json: await stores.excursions.listCorrectiveActions(query.state, query.limit, query.cursor) }),
  }),
  defineRoute({
    method: 'get', path: '/v1/corrective-actions/:actionId', summary: 'Get a corrective action', tag: 'corrective-actions', auth: 'user', scope: 'org', roles: ANY_ROLE,
    handler: async ({ stores, params }) => ({ json: await stores.excursions.getCorrectiveAction(params.actionId) }),
  }),
  defineRoute({
    method: 'post', path: '/v1/corrective-actions/:actionId/complete', summary: 'Record what was done and the product disposition, signed (name, time, meaning)', tag: 'corrective-actions', auth: 'user', scope: 'org', roles: RESPONDERS,
    body: z.object({ actionTaken: z.string().trim().min(3, 'must describe what was done').max(4000), productDisposition: z.enum(PRODUCT_DISPOSITIONS), meaning: meaning() }),
    handler: async ({ stores, principal, params, body }) => ({
      json: await auditedChange(stores, principal, 'complete', 'corrective-action', async (tx) => {
        const before = await tx.excursions.getCorrectiveAction(params.actionId, true);
        const problem = transitionProblem({ state: before.state as CorrectiveActionState, completedBy: before.completedBy as string | null }, 'completed', principal.subject);
        if (problem) throw new StateConflictError(problem);
        const after = await tx.excursions.complete(params.actionId, { ...body, subject: principal.subject, name: principal.name });
        return { entityId: params.actionId, before, after };
      }),
    }),
  }),
  defineRoute({
    method: 'post', path: '/v1/corrective-actions/:actionId/verify', summary: 'Close a completed corrective action with a verification signature (another person)', tag: 'corrective-actions', auth: 'user', scope: 'org', roles: MANAGERS,
    body: z.object({ note: z.string().trim().min(3, 'must say what was verified').max(4000), meaning: meaning() }),
    handler: async ({ stores, principal, params, body }) => ({
      json: await auditedChange(stores, principal, 'verify', 'corrective-action', async (tx) => {
        const before = await tx.excursions.getCorrectiveAction(params.actionId, true);
        const problem = transitionProblem({ state: before.state as CorrectiveActionState, completedBy: before.completedBy as string | null }, 'verified', principal.subject);
        if (problem) throw new StateConflictError(problem);
        const after = await tx.excursions.verify(params.actionId, { ...body, subject: principal.subject, name: principal.name });
        return { entityId: params.actionId, before, after };
      }),
    }),
  }),
];
