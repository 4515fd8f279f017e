import { z } from 'zod';
import { ValidationError } from '../../../platform/errors/app-error';
import { verifyChain } from '../domain/audit-hash';
import { toCsv } from '../domain/csv';
import { AUDIT_READERS } from '../domain/roles';
import { AUDIT_VIEWS, csvColumns, type AuditView, type ViewFilter } from '../services/audit-views';
import { buildEvidenceBundle } from '../services/evidence-bundle';
import { defineRoute, type AnyRoute, type RouteScope } from '../http/route-spec';
import { isoTime, pageQuery, uuid } from '../http/validation';

const range = { from: isoTime().optional(), to: isoTime().optional(), ...pageQuery };

const VIEW_QUERIES: Record<string, z.ZodObject<z.ZodRawShape>> = {
  'temperature-log': z.object({ unitId: uuid().optional(), ...range }),
  excursions: z.object({ unitId: uuid().optional(), ...range }),
  backups: z.object({ kind: z.enum(['backup', 'restore_test']).optional(), ...range }),
  certificates: z.object({ target: z.string().max(500).optional(), ...range }),
  notifications: z.object({ receiver: z.string().max(200).optional(), ...range }),
  'audit-log': z.object({ entityType: z.string().max(100).optional(), actor: z.string().max(500).optional(), ...range }),
};

/** Backups and certificates belong to the shared service, not to one organization. */
const SCOPES: Record<string, RouteScope> = { backups: 'platform', certificates: 'platform' };

function viewRoute(view: AuditView): AnyRoute {
  return defineRoute({
    method: 'get',
    path: `/v1/audit/${view.name}`,
    summary: `${view.title}: filters, keyset pagination (cursor), CSV with format=csv`,
    tag: 'audit',
    auth: 'user',
    scope: SCOPES[view.name] ?? 'org',
    roles: view.name === 'audit-log' ? ['admin', 'auditor'] : AUDIT_READERS,
    query: VIEW_QUERIES[view.name] as unknown as z.ZodType<ViewFilter & { format: 'json' | 'csv' }, z.ZodTypeDef, unknown>,
    produces: ['application/json', 'text/csv'],
    handler: async ({ stores, query }) => {
      const page = await view.page(stores, query);
      if (query.format === 'csv') return { csv: toCsv(csvColumns(view), page.items), filename: `${view.name}.csv` };
      return { json: page };
    },
  });
}

export const auditRoutes: AnyRoute[] = [
  ...Object.values(AUDIT_VIEWS).map(viewRoute),
  defineRoute({
    method: 'get', path: '/v1/audit/audit-log/verify', summary: 'Recompute the organization\'s audit hash chain; reports the first broken row', tag: 'audit', auth: 'user', scope: 'org', roles: ['admin', 'auditor'],
    handler: async ({ stores }) => ({ json: verifyChain(await stores.auditLog.chain()) }),
  }),
  defineRoute({
    method: 'get', path: '/v1/audit/evidence', summary: 'Evidence bundle for a date range: CSVs plus a SHA-256 manifest, as one JSON document', tag: 'audit', auth: 'user', scope: 'org', roles: ['admin', 'auditor'],
    query: z.object({ from: isoTime(), to: isoTime() }),
    handler: async ({ stores, principal, query }) => {
      if (query.to <= query.from) throw new ValidationError('to', 'must be after from');
      if (query.to.getTime() - query.from.getTime() > 3 * 366 * 86400_000) throw new ValidationError('from', 'range must not exceed 3 years');
      const bundle = await buildEvidenceBundle(stores, query.from, query.to, principal.name);
      await stores.transaction((tx) => tx.auditLog.append({ actor: principal.subject, action: 'export', entityType: 'evidence-bundle', entityId: bundle.manifestSha256, after: bundle.manifest }));
      return { json: bundle };
    },
  }),
];

