import { z } from 'zod';
import { ValidationError } from '../../../platform/errors/app-error';
import { RECORD_CLASSES, type RecordClass } from '../domain/record-classes';
import { ADMINS, ANY_ROLE, MANAGERS } from '../domain/roles';
import { auditedChange } from '../services/audited-change';
import { OUTBOX_SOURCE } from '../services/outbox-relay';
import { enforceRetention } from '../services/retention';
import { defineRoute, type AnyRoute } from '../http/route-spec';
import { pageQuery } from '../http/validation';

const label = () => z.string().trim().min(1, 'must not be empty').max(100).regex(/^[A-Za-z0-9._:+\-/]+$/, 'letters, digits and . _ : + - / only');

/** Deploy events, retention per record class and legal holds. */
export const governanceRoutes: AnyRoute[] = [
  defineRoute({
    method: 'get', path: '/v1/deployments', summary: 'Recorded deploys, newest first', tag: 'deployments', auth: 'user', scope: 'org', roles: ANY_ROLE,
    query: z.object({ limit: pageQuery.limit }),
    handler: async ({ stores, query }) => ({ json: { items: await stores.governance.listDeployments(query.limit) } }),
  }),
  defineRoute({
    method: 'post', path: '/v1/deployments', summary: 'Record a deploy and raise its notification through the router (via the outbox)', tag: 'deployments', auth: 'user', scope: 'org', roles: MANAGERS, successStatus: 201,
    body: z.object({ version: label(), environment: label(), result: z.enum(['started', 'success', 'failure', 'rolled_back']), description: z.string().max(2000).optional() }),
    handler: async ({ stores, principal, body }) => {
      const deployment = await auditedChange(stores, principal, 'record', 'deployment', async (tx) => {
        const after = await tx.governance.recordDeployment({ ...body, recordedBy: principal.name });
        const org = await tx.inventory.organization();
        const at = after.recordedAt as Date;
        // Written in the same transaction as the deploy record: the notification cannot be lost.
        await tx.governance.enqueueAlert({
          labels: {
            alertname: 'Deployment', category: 'deploy', source: OUTBOX_SOURCE, org: String(org.slug),
            environment: body.environment, version: body.version, result: body.result, severity: body.result === 'failure' || body.result === 'rolled_back' ? 'warning' : 'info',
          },
          annotations: { summary: `Deploy ${body.version} to ${body.environment}: ${body.result}`, description: body.description ?? '', recorded_by: principal.name },
          startsAt: at.toISOString(),
          // A deploy is an event, not a condition: it resolves after five minutes.
          endsAt: new Date(at.getTime() + 5 * 60_000).toISOString(),
          generatorURL: '',
        });
        return { entityId: String(after.id), after };
      });
      return { status: 201, json: deployment };
    },
  }),
  defineRoute({
    method: 'get', path: '/v1/retention', summary: 'Retention per record class (explicit or default) and active holds', tag: 'retention', auth: 'user', scope: 'org', roles: ['admin', 'auditor'],
    handler: async ({ stores, services }) => {
      const policies = new Map((await stores.governance.retentionPolicies()).map((p) => [p.recordClass as string, p]));
      return {
        json: {
          classes: RECORD_CLASSES.map((c) => policies.get(c) ?? { recordClass: c, retainDays: services.config.retentionDefaultDays, updatedBy: null, updatedAt: null, default: true }),
          holds: (await stores.governance.listHolds()).filter((h) => h.releasedAt === null),
        },
      };
    },
  }),
  defineRoute({
    method: 'put', path: '/v1/retention/:recordClass', summary: 'Set the retention of one record class', tag: 'retention', auth: 'user', scope: 'org', roles: ADMINS,
    body: z.object({ retainDays: z.number({ invalid_type_error: 'must be a number of days' }).int().min(1).max(36500) }),
    handler: async ({ stores, principal, params, body }) => {
      const recordClass = z.enum(RECORD_CLASSES, { errorMap: () => ({ message: `must be one of ${RECORD_CLASSES.join(', ')}` }) }).safeParse(params.recordClass);
      if (!recordClass.success) throw new ValidationError('recordClass', recordClass.error.issues[0].message);
      return {
        json: await auditedChange(stores, principal, 'update', 'retention', async (tx) => ({
          entityId: recordClass.data,
          after: await tx.governance.putRetention(recordClass.data as RecordClass, body.retainDays, principal.subject),
        })),
      };
    },
  }),
  defineRoute({
    method: 'post', path: '/v1/retention/enforce', summary: 'Delete records past retention, except classes under legal hold', tag: 'retention', auth: 'user', scope: 'org', roles: ADMINS,
    handler: async ({ stores, principal, services }) => ({ json: { outcomes: await enforceRetention(stores, principal, services.config.retentionDefaultDays) } }),
  }),
  defineRoute({
    method: 'get', path: '/v1/legal-holds', summary: 'Legal holds, active and released', tag: 'retention', auth: 'user', scope: 'org', roles: ['admin', 'auditor'],
    handler: async ({ stores }) => ({ json: { items: await stores.governance.listHolds() } }),
  }),
  defineRoute({
    method: 'post', path: '/v1/legal-holds', summary: 'Place a legal hold (one record class, or all when recordClass is omitted)', tag: 'retention', auth: 'user', scope: 'org', roles: ADMINS, successStatus: 201,
    body: z.object({ recordClass: z.enum(RECORD_CLASSES).optional(), reason: z.string().trim().min(3, 'must give the reason').max(2000) }),
    handler: async ({ stores, principal, body }) => ({
      status: 201,
      json: await auditedChange(stores, principal, 'place', 'legal-hold', async (tx) => {
        const after = await tx.governance.placeHold({ recordClass: body.recordClass ?? null, reason: body.reason, by: principal.subject });
        return { entityId: String(after.id), after };
      }),
    }),
  }),
  defineRoute({
    method: 'post', path: '/v1/legal-holds/:holdId/release', summary: 'Release a legal hold', tag: 'retention', auth: 'user', scope: 'org', roles: ADMINS,
    handler: async ({ stores, principal, params }) => ({
      json: await auditedChange(stores, principal, 'release', 'legal-hold', async (tx) => ({ entityId: params.holdId, after: await tx.governance.releaseHold(params.holdId, principal.subject) })),
    }),
  }),
];
