import { z } from 'zod';
import { validate as validateCron } from 'node-cron';
import { coolingRule, JURISDICTION_IDS, profileDefaults, UNIT_TYPES, type UnitType } from '../../../platform/contracts/food-safety-profiles';
import { ADMINS, ANY_ROLE, MANAGERS, ROLES } from '../domain/roles';
import { auditedChange } from '../services/audited-change';
import { defineRoute, type AnyRoute } from '../http/route-spec';
import { uuid } from '../http/validation';

const name = () => z.string().trim().min(1, 'must not be empty').max(200);
const TIME_ZONES = new Set([...Intl.supportedValuesOf('timeZone'), 'UTC']);
const timezone = () => z.string().min(1).max(64).refine((tz) => TIME_ZONES.has(tz), 'must be an IANA time zone');
const celsius = () => z.number({ invalid_type_error: 'must be a number (°C)' }).min(-100).max(300).nullable();

const suppressionWindow = z.union([
  z.object({
    cron: z.string().refine((c) => validateCron(c), 'must be a cron expression'),
    duration_minutes: z.number().int().min(1).max(240),
    reason: z.string().max(200).optional(),
  }),
  z.object({ start: z.string().datetime({ offset: true }), end: z.string().datetime({ offset: true }), reason: z.string().max(200).optional() }),
]);

const thresholdsBody = z
  .object({
    minWarningC: celsius().default(null),
    minCriticalC: celsius().default(null),
    maxWarningC: celsius().default(null),
    maxCriticalC: celsius().default(null),
    delaySeconds: z.number().int().min(0).max(10800),
    hysteresisC: z.number().min(0).max(20).default(0.5),
    suppressionWindows: z.array(suppressionWindow).max(20).default([]),
  })
  .refine((t) => t.maxWarningC === null || t.maxCriticalC === null || t.maxCriticalC >= t.maxWarningC, { message: 'must be at or above maxWarningC', path: ['maxCriticalC'] })
  .refine((t) => t.minWarningC === null || t.minCriticalC === null || t.minCriticalC <= t.minWarningC, { message: 'must be at or below minWarningC', path: ['minCriticalC'] });

const siteBody = z.object({ name: name(), jurisdiction: z.enum(JURISDICTION_IDS).optional(), timezone: timezone().optional() });
const unitBody = z.object({ siteId: uuid(), name: name(), unitType: z.enum(UNIT_TYPES) });
const sensorBody = z.object({
  unitId: uuid(),
  externalId: z.string().min(1).max(128).regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces'),
  name: name().optional(),
  intervalSeconds: z.number().int().min(10).max(86400).optional(),
});

/** Organization, sites, units, sensors and thresholds. Reads: any role; writes: admin/operator (org: admin). */
export const inventoryRoutes: AnyRoute[] = [
  defineRoute({
    method: 'get', path: '/v1/organization', summary: 'The caller\'s organization', tag: 'organization', auth: 'user', scope: 'org', roles: ANY_ROLE,
    handler: async ({ stores }) => ({ json: await stores.inventory.organization() }),
  }),
  defineRoute({
    method: 'patch', path: '/v1/organization', summary: 'Rename the organization or change its jurisdiction profile', tag: 'organization', auth: 'user', scope: 'org', roles: ADMINS,
    body: z.object({ name: name().optional(), jurisdiction: z.enum(JURISDICTION_IDS).optional(), timezone: timezone().optional(), idpOrgId: z.string().min(1).max(200).optional() }),
    handler: async ({ stores, principal, body }) => ({
      json: await auditedChange(stores, principal, 'update', 'organization', async (tx) => ({
        entityId: tx.orgId,
        before: await tx.inventory.organization(),
        after: await tx.inventory.updateOrganization(body),
      })),
    }),
  }),
  defineRoute({
    method: 'get', path: '/v1/sites', summary: 'List sites', tag: 'inventory', auth: 'user', scope: 'org', roles: ANY_ROLE,
    handler: async ({ stores }) => ({ json: { items: await stores.inventory.listSites() } }),
  }),
  defineRoute({
    method: 'post', path: '/v1/sites', summary: 'Create a site', tag: 'inventory', auth: 'user', scope: 'org', roles: MANAGERS, body: siteBody, successStatus: 201,
    handler: async ({ stores, principal, body }) => ({
      status: 201,
      json: await auditedChange(stores, principal, 'create', 'site', async (tx) => {
        const after = await tx.inventory.createSite(body);
        return { entityId: String(after.id), after };
      }),
    }),
  }),
  defineRoute({
    method: 'get', path: '/v1/sites/:siteId', summary: 'Get a site', tag: 'inventory', auth: 'user', scope: 'org', roles: ANY_ROLE,
    handler: async ({ stores, params }) => ({ json: await stores.inventory.getSite(params.siteId) }),
  }),
  defineRoute({
    method: 'patch', path: '/v1/sites/:siteId', summary: 'Update a site', tag: 'inventory', auth: 'user', scope: 'org', roles: MANAGERS, body: siteBody.partial(),
    handler: async ({ stores, principal, params, body }) => ({
      json: await auditedChange(stores, principal, 'update', 'site', async (tx) => ({
        entityId: params.siteId,
        before: await tx.inventory.getSite(params.siteId),
        after: await tx.inventory.updateSite(params.siteId, body),
      })),
    }),
  }),
  defineRoute({
    method: 'delete', path: '/v1/sites/:siteId', summary: 'Delete a site with its units and sensors', tag: 'inventory', auth: 'user', scope: 'org', roles: ADMINS,
    handler: async ({ stores, principal, params }) => ({
      json: await auditedChange(stores, principal, 'delete', 'site', async (tx) => ({ entityId: params.siteId, before: await tx.inventory.deleteSite(params.siteId), after: null })),
    }),
  }),
  defineRoute({
    method: 'get', path: '/v1/units', summary: 'List units (optionally of one site)', tag: 'inventory', auth: 'user', scope: 'org', roles: ANY_ROLE,
    query: z.object({ siteId: uuid().optional() }),
    handler: async ({ stores, query }) => ({ json: { items: await stores.inventory.listUnits(query.siteId) } }),
  }),
  defineRoute({
    method: 'post', path: '/v1/units', summary: 'Create a unit (fridge, freezer, hot-holding, cooling, ambient)', tag: 'inventory', auth: 'user', scope: 'org', roles: MANAGERS, body: unitBody, successStatus: 201,
    handler: async ({ stores, principal, body }) => ({
      status: 201,
      json: await auditedChange(stores, principal, 'create', 'unit', async (tx) => {
        const after = await tx.inventory.createUnit(body);
        return { entityId: String(after.id), after };
      }),
    }),
  }),
  defineRoute({
    method: 'get', path: '/v1/units/:unitId', summary: 'Get a unit', tag: 'inventory', auth: 'user', scope: 'org', roles: ANY_ROLE,
    handler: async ({ stores, params }) => ({ json: await stores.inventory.getUnit(params.unitId) }),
  }),
  defineRoute({
    method: 'patch', path: '/v1/units/:unitId', summary: 'Update a unit', tag: 'inventory', auth: 'user', scope: 'org', roles: MANAGERS,
    body: z.object({ name: name().optional(), unitType: z.enum(UNIT_TYPES).optional() }),
    handler: async ({ stores, principal, params, body }) => ({
      json: await auditedChange(stores, principal, 'update', 'unit', async (tx) => ({
        entityId: params.unitId,
        before: await tx.inventory.getUnit(params.unitId),
        after: await tx.inventory.updateUnit(params.unitId, body),
      })),
    }),
  }),
  defineRoute({
    method: 'delete', path: '/v1/units/:unitId', summary: 'Delete a unit with its sensors', tag: 'inventory', auth: 'user', scope: 'org', roles: ADMINS,
    handler: async ({ stores, principal, params }) => ({
      json: await auditedChange(stores, principal, 'delete', 'unit', async (tx) => ({ entityId: params.unitId, before: await tx.inventory.deleteUnit(params.unitId), after: null })),
    }),
  }),
  defineRoute({
    method: 'get', path: '/v1/units/:unitId/thresholds', summary: 'Thresholds in force for a unit (explicit, or the jurisdiction default)', tag: 'inventory', auth: 'user', scope: 'org', roles: ANY_ROLE,
    handler: async ({ stores, params }) => {
      const unit = await stores.inventory.getUnit(params.unitId);
      const explicit = await stores.inventory.getThresholds(params.unitId);
      if (explicit) return { json: { ...explicit, source: 'explicit' } };
      const site = await stores.inventory.getSite(String(unit.siteId));
      const jurisdiction = String(site.jurisdiction ?? (await stores.inventory.organization()).jurisdiction);
      return { json: { unitId: unit.id, ...profileDefaults(jurisdiction, unit.unitType as UnitType), suppressionWindows: [], source: `default:${jurisdiction}` } };
    },
  }),
  defineRoute({
    method: 'put', path: '/v1/units/:unitId/thresholds', summary: 'Set a unit\'s thresholds', tag: 'inventory', auth: 'user', scope: 'org', roles: MANAGERS, body: thresholdsBody,
    handler: async ({ stores, principal, params, body }) => ({
      json: await auditedChange(stores, principal, 'update', 'thresholds', async (tx) => ({
        entityId: params.unitId,
        before: (await tx.inventory.getThresholds(params.unitId)) ?? null,
        after: await tx.inventory.putThresholds(params.unitId, body),
      })),
    }),
  }),
  defineRoute({
    method: 'get', path: '/v1/threshold-defaults', summary: 'Default thresholds per jurisdiction profile and unit type, and the cooling stages of cooling units', tag: 'inventory', auth: 'user', scope: 'org', roles: ANY_ROLE,
    query: z.object({ jurisdiction: z.enum(JURISDICTION_IDS).optional() }),
    handler: async ({ stores, query }) => {
      const jurisdiction = query.jurisdiction ?? String((await stores.inventory.organization()).jurisdiction);
      return {
        json: { jurisdiction, unitTypes: Object.fromEntries(UNIT_TYPES.map((t) => [t, profileDefaults(jurisdiction, t)])), cooling: coolingRule(jurisdiction) },
      };
    },
  }),
  defineRoute({
    method: 'get', path: '/v1/sensors', summary: 'List sensors (optionally of one unit)', tag: 'inventory', auth: 'user', scope: 'org', roles: ANY_ROLE,
    query: z.object({ unitId: uuid().optional() }),
    handler: async ({ stores, query }) => ({ json: { items: await stores.inventory.listSensors(query.unitId) } }),
  }),
  defineRoute({
    method: 'post', path: '/v1/sensors', summary: 'Register a sensor (externalId = the id the device reports)', tag: 'inventory', auth: 'user', scope: 'org', roles: MANAGERS, body: sensorBody, successStatus: 201,
    handler: async ({ stores, principal, body }) => ({
      status: 201,
      json: await auditedChange(stores, principal, 'create', 'sensor', async (tx) => {
        const after = await tx.inventory.createSensor(body);
        return { entityId: String(after.id), after };
      }),
    }),
  }),
  defineRoute({
    method: 'get', path: '/v1/sensors/:sensorId', summary: 'Get a sensor', tag: 'inventory', auth: 'user', scope: 'org', roles: ANY_ROLE,
    handler: async ({ stores, params }) => ({ json: await stores.inventory.getSensor(params.sensorId) }),
  }),
  defineRoute({
    method: 'patch', path: '/v1/sensors/:sensorId', summary: 'Rename, move or change the interval of a sensor', tag: 'inventory', auth: 'user', scope: 'org', roles: MANAGERS,
    body: sensorBody.omit({ externalId: true }).partial(),
    handler: async ({ stores, principal, params, body }) => ({
      json: await auditedChange(stores, principal, 'update', 'sensor', async (tx) => ({
        entityId: params.sensorId,
        before: await tx.inventory.getSensor(params.sensorId),
        after: await tx.inventory.updateSensor(params.sensorId, body),
      })),
    }),
  }),
  defineRoute({
    method: 'delete', path: '/v1/sensors/:sensorId', summary: 'Delete a sensor', tag: 'inventory', auth: 'user', scope: 'org', roles: ADMINS,
    handler: async ({ stores, principal, params }) => ({
      json: await auditedChange(stores, principal, 'delete', 'sensor', async (tx) => ({ entityId: params.sensorId, before: await tx.inventory.deleteSensor(params.sensorId), after: null })),
    }),
  }),
  defineRoute({
    method: 'get', path: '/v1/memberships', summary: 'Members and their roles (used when the IdP\'s tokens carry no role)', tag: 'organization', auth: 'user', scope: 'org', roles: ADMINS,
    handler: async ({ stores }) => ({ json: { items: await stores.inventory.listMembers() } }),
  }),
  defineRoute({
    method: 'put', path: '/v1/memberships/:subject', summary: 'Grant or change a member\'s role (subject = the token\'s sub)', tag: 'organization', auth: 'user', scope: 'org', roles: ADMINS,
    body: z.object({ role: z.enum(ROLES) }),
    handler: async ({ stores, principal, params, body }) => ({
      json: await auditedChange(stores, principal, 'grant', 'membership', async (tx) => ({
        entityId: params.subject,
        before: (await tx.inventory.getMember(params.subject)) ?? null,
        after: await tx.inventory.putMember(params.subject, body.role, principal.subject),
      })),
    }),
  }),
  defineRoute({
    method: 'delete', path: '/v1/memberships/:subject', summary: 'Remove a member', tag: 'organization', auth: 'user', scope: 'org', roles: ADMINS,
    handler: async ({ stores, principal, params }) => ({
      json: await auditedChange(stores, principal, 'revoke', 'membership', async (tx) => ({ entityId: params.subject, before: await tx.inventory.deleteMember(params.subject), after: null })),
    }),
  }),
];
