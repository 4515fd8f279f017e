import { z } from 'zod';
import { ADMINS, MANAGERS } from '../domain/roles';
import { auditedChange } from '../services/audited-change';
import { defineRoute, type AnyRoute } from '../http/route-spec';

/** Ingest device keys: issued by admins (the key is in the response once, only its hash is kept), listed, revoked. */
export const deviceKeyRoutes: AnyRoute[] = [
  defineRoute({
    method: 'get', path: '/v1/device-keys', summary: 'List device keys (prefix only, never the key)', tag: 'device-keys', auth: 'user', scope: 'org', roles: MANAGERS,
    handler: async ({ stores }) => ({ json: { items: await stores.deviceKeys.list() } }),
  }),
  defineRoute({
    method: 'post', path: '/v1/device-keys', summary: 'Issue a device key; the key is shown in this response only', tag: 'device-keys', auth: 'user', scope: 'org', roles: ADMINS, successStatus: 201,
    body: z.object({ name: z.string().trim().min(1, 'must not be empty').max(200) }),
    handler: async ({ stores, principal, body }) => {
      let key = '';
      const row = await auditedChange(stores, principal, 'issue', 'device-key', async (tx) => {
        const issued = await tx.deviceKeys.issue(body.name, principal.subject);
        key = issued.key;
        return { entityId: String(issued.row.id), after: issued.row };
      });
      return { status: 201, json: { ...row, key } };
    },
  }),
  defineRoute({
    method: 'post', path: '/v1/device-keys/:keyId/revoke', summary: 'Revoke a device key (ingest refuses it from then on)', tag: 'device-keys', auth: 'user', scope: 'org', roles: ADMINS,
    handler: async ({ stores, principal, params }) => ({
      json: await auditedChange(stores, principal, 'revoke', 'device-key', async (tx) => ({
        entityId: params.keyId,
        before: await tx.deviceKeys.get(params.keyId),
        after: await tx.deviceKeys.revoke(params.keyId),
      })),
    }),
  }),
];
