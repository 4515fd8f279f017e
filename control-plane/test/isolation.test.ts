import express from 'express';
import { CONTROL_PLANE_ROUTES } from '../src/routes/route-table';
import { mountRoutes } from '../src/http/mount-routes';
import { openApiPath, zodToSchema } from '../src/http/openapi';
import type { z } from 'zod';
import { parseControlPlaneConfig } from '../src/config/control-plane-config';
import type { ControlPlaneServices } from '../src/services/control-plane-services';
import { api, localTokens, startControlPlaneUnderTest, type ControlPlaneUnderTest, type TokenFactory } from './control-plane-harness';
import { seedOrganization, seedPlatformRecords, type SeededOrganization } from './seed-organization';

// Real processes on a shared 2-core machine: generous time for start-up and each test.
jest.setTimeout(150_000);

const DAY = 86400_000;
const OWN_NAMESPACE = ['/v1/retention/:recordClass', '/v1/memberships/:subject', '/audit/export/:view'];

/**
 * A valid body for every route that takes one. A new route with a body and no example here
 * fails the walk, so the isolation check covers it from day one.
 */
function exampleBody(key: string, victim: SeededOrganization): unknown {
  const bodies: Record<string, unknown> = {
    'PATCH /v1/organization': { name: 'Renamed' },
    'POST /v1/sites': { name: 'Intruder site' },
    'PATCH /v1/sites/:siteId': { name: 'hijacked' },
    'POST /v1/units': { siteId: victim.siteId, name: 'Intruder unit', unitType: 'fridge' },
    'PATCH /v1/units/:unitId': { name: 'hijacked' },
    'PUT /v1/units/:unitId/thresholds': { maxWarningC: 50, delaySeconds: 0 },
    'POST /v1/sensors': { unitId: victim.unitId, externalId: 'INTRUDER-1' },
    'PATCH /v1/sensors/:sensorId': { name: 'hijacked' },
    'POST /v1/device-keys': { name: 'intruder key' },
    'POST /v1/excursions/:excursionId/ack': { comment: 'not mine' },
    'POST /v1/corrective-actions/:actionId/complete': { actionTaken: 'nothing at all', productDisposition: 'discarded', meaning: 'performed' },
    'POST /v1/corrective-actions/:actionId/verify': { note: 'nothing at all', meaning: 'verified' },
    'POST /v1/deployments': { version: 'v9', environment: 'prod', result: 'success' },
    'PUT /v1/retention/:recordClass': { retainDays: 1 },
    'POST /v1/legal-holds': { reason: 'intruder hold' },
    'POST /v1/alert-notifications': { version: '4', receiver: 'r', status: 'firing', groupKey: 'g', alerts: [] },
    'PUT /v1/memberships/:subject': { role: 'auditor' },
  };
  if (!(key in bodies)) throw new Error(`no example body for ${key}: add one so the isolation walk covers it`);
  return bodies[key];
}

function examplePath(path: string, victim: SeededOrganization, holdId: string, keyId: string): string {
  const ids: Record<string, string> = {
    siteId: victim.siteId, unitId: victim.unitId, sensorId: victim.sensorId, excursionId: victim.excursionId,
    actionId: victim.actionId, holdId, keyId, recordClass: 'deployments', subject: 'VICTIM-MEMBER', view: 'temperature-log',
  };
  return path.replace(/:([A-Za-z]+)/g, (_m, name: string) => {
    if (!(name in ids)) throw new Error(`no example value for path parameter :${name}`);
    return ids[name];
  });
}

function exampleQuery(path: string): string {
  const from = new Date(Date.now() - 3 * DAY).toISOString();
  const to = new Date(Date.now() + DAY).toISOString();
  return path.endsWith('/readings') || path.startsWith('/v1/audit') || path.startsWith('/audit') ? `?from=${from}&to=${to}` : '';
}

describe('cross-organization isolation on every route', () => {
  let cp: ControlPlaneUnderTest;
  let token: TokenFactory;
  let victim: SeededOrganization;
  let intruder: SeededOrganization;
  let holdId: string;
  let keyId: string;

  beforeAll(async () => {
    cp = await startControlPlaneUnderTest();
    victim = await seedOrganization(cp.db.pool, 'victim');
    intruder = await seedOrganization(cp.db.pool, 'intruder');
    await seedPlatformRecords(cp.db.pool);
    token = await localTokens(cp.db);
    const admin = token(victim.orgId, 'admin');
    holdId = (await api(cp.url, 'post', '/v1/legal-holds', admin, { reason: 'VICTIM-HOLD-REASON' })).json.id;
    const key = await api(cp.url, 'post', '/v1/device-keys', admin, { name: 'VICTIM-KEY' });
    keyId = key.json.id;
    victim.markers.push(holdId, keyId, 'VICTIM-HOLD-REASON', 'VICTIM-KEY', key.json.prefix);
    await api(cp.url, 'post', '/v1/deployments', admin, { version: 'VICTIM-V1', environment: 'prod', result: 'success' });
    await cp.db.pool.query(
      `INSERT INTO received_alert_notifications (receiver, status, group_key, alert_count, payload)
       VALUES ('cp', 'firing', 'VICTIM-RECEIVED', 1, '{"alerts": [{"labels": {"org": "victim"}}]}')`,
    );
    victim.markers.push('VICTIM-RECEIVED');
    await api(cp.url, 'put', '/v1/memberships/VICTIM-MEMBER', admin, { role: 'operator' });
    victim.markers.push('VICTIM-V1');
  });
  afterAll(() => cp?.stop());

  test('an admin of another organization gets 404 for every id of the victim and never sees its data', async () => {
    const chainBefore = (await cp.db.pool.query('SELECT count(*)::int AS n FROM audit_log WHERE org_id = $1', [victim.orgId])).rows[0].n;
    const attacker = token(intruder.orgId, ['admin', 'operator', 'responder', 'auditor']);
    const walked: string[] = [];
    for (const route of CONTROL_PLANE_ROUTES) {
      if (route.auth === 'public') continue;
      const key = `${route.method.toUpperCase()} ${route.path}`;
      const path = examplePath(route.path, victim, holdId, keyId) + exampleQuery(route.path);
      const auth = route.auth === 'webhook' ? undefined : attacker;
      const body = route.body ? exampleBody(key, victim) : undefined;
      const res = await api(cp.url, route.method, path, auth, body);
      for (const marker of victim.markers) {
        if (res.text.includes(marker)) throw new Error(`${key} leaked victim data "${marker}" (status ${res.status})`);
      }
      if (OWN_NAMESPACE.includes(route.path)) {
        // The parameter names something in the caller's own organization (a record class, a
        // member's subject): it acts there, and the checks after the walk prove the victim untouched.
        expect({ key, status: [200, 404].includes(res.status) }).toEqual({ key, status: true });
      } else if (route.path.includes(':')) {
        expect({ key, status: res.status }).toEqual({ key, status: 404 });
      } else if ([victim.siteId, victim.unitId].some((id) => JSON.stringify(body ?? '').includes(id))) {
        // Creating a child under the victim's parent is refused as a reference that does not exist here.
        expect({ key, status: res.status }).toEqual({ key, status: 400 });
      } else {
        expect({ key, status: res.status < 300 }).toEqual({ key, status: true });
      }
      walked.push(key);
    }
    expect(walked.length).toBe(CONTROL_PLANE_ROUTES.filter((r) => r.auth !== 'public').length);

    // Nothing of the victim changed: same audit chain, key still valid, action still open, hold active.
    expect((await cp.db.pool.query('SELECT count(*)::int AS n FROM audit_log WHERE org_id = $1', [victim.orgId])).rows[0].n).toBe(chainBefore);
    expect((await cp.db.pool.query('SELECT revoked_at FROM device_keys WHERE id = $1', [keyId])).rows[0].revoked_at).toBeNull();
    expect((await cp.db.pool.query('SELECT state FROM corrective_actions WHERE id = $1', [victim.actionId])).rows[0].state).toBe('open');
    expect((await cp.db.pool.query('SELECT released_at FROM legal_holds WHERE id = $1', [holdId])).rows[0].released_at).toBeNull();
    expect((await cp.db.pool.query('SELECT count(*)::int AS n FROM readings WHERE org_id = $1', [victim.orgId])).rows[0].n).toBe(2880);
    expect((await cp.db.pool.query('SELECT name FROM sites WHERE id = $1', [victim.siteId])).rows[0].name).toBe('VICTIM-SITE');
    expect((await cp.db.pool.query('SELECT count(*)::int AS n FROM acknowledgements WHERE org_id = $1', [victim.orgId])).rows[0].n).toBe(0);
    expect((await cp.db.pool.query('SELECT role FROM memberships WHERE org_id = $1', [victim.orgId])).rows).toEqual([{ role: 'operator' }]);
  });

  test('every mounted route is documented in the served /openapi.json', async () => {
    const app = express();
    mountRoutes(app, CONTROL_PLANE_ROUTES, { config: parseControlPlaneConfig({}) } as ControlPlaneServices);
    type Layer = { route?: { path: string; methods: Record<string, boolean> } };
    const mounted = ((app as unknown as { _router: { stack: Layer[] } })._router.stack as Layer[])
      .filter((l) => l.route)
      .flatMap((l) => Object.keys(l.route!.methods).map((m) => `${m} ${openApiPath(l.route!.path)}`));
    expect(mounted.length).toBe(CONTROL_PLANE_ROUTES.length);
    const doc = (await api(cp.url, 'get', '/openapi.json')).json;
    expect(doc.openapi).toBe('3.0.3');
    const documented = new Set(Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p}`)));
    for (const route of mounted) expect(documented.has(route) ? route : `undocumented: ${route}`).toBe(route);
    for (const extra of ['get /openapi.json', 'get /.well-known/jwks.json', 'get /healthz', 'get /readyz', 'get /metrics']) expect(documented.has(extra)).toBe(true);
    expect(doc.paths['/v1/sites'].post.requestBody.content['application/json'].schema.required).toEqual(['name']);
  });

  test('every route with a body or query answers a bad value with 400 naming the field', async () => {
    const caller = token(intruder.orgId, ['admin', 'operator', 'responder', 'auditor']);
    const someId = '00000000-0000-4000-8000-000000000001';
    let checked = 0;
    for (const route of CONTROL_PLANE_ROUTES) {
      const path = route.path.replace(/:([A-Za-z]+)/g, (_m, name: string) => (name === 'recordClass' ? 'deployments' : name === 'subject' ? 'someone' : name === 'view' ? 'temperature-log' : someId));
      const auth = route.auth === 'user' ? caller : undefined;
      const key = `${route.method.toUpperCase()} ${route.path}`;
      if (route.body) {
        const schema = zodToSchema(route.body as z.ZodTypeAny) as { required?: string[]; properties: Record<string, unknown> };
        const required = schema.required ?? [];
        const [field, body] = required.length ? [required, {}] : [[Object.keys(schema.properties)[0]], { [Object.keys(schema.properties)[0]]: { not: 'valid' } }];
        const res = await api(cp.url, route.method, path, auth, body);
        expect({ key, status: res.status, named: field.includes(res.json?.field) }).toEqual({ key, status: 400, named: true });
        checked += 1;
      }
      if (route.query) {
        const props = (zodToSchema(route.query as z.ZodTypeAny) as { properties: Record<string, { type?: string; format?: string; enum?: unknown[] }> }).properties;
        const constrained = Object.entries(props).find(([, p]) => p.format || p.enum || p.type === 'integer');
        if (!constrained) continue;
        const res = await api(cp.url, route.method, `${path}?${constrained[0]}=%25bad%25`, auth);
        expect({ key, status: res.status, field: res.json?.field }).toEqual({ key, status: 400, field: constrained[0] });
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(30);
  });

  test('every authenticated route answers 401 without a token and 403 to every role it does not allow', async () => {
    const someId = '00000000-0000-4000-8000-000000000001';
    let forbidden = 0;
    for (const route of CONTROL_PLANE_ROUTES.filter((r) => r.auth === 'user')) {
      const key = `${route.method.toUpperCase()} ${route.path}`;
      const path = route.path.replace(/:([A-Za-z]+)/g, (_m, name: string) => (name === 'recordClass' ? 'deployments' : name === 'subject' ? 'someone' : name === 'view' ? 'temperature-log' : someId));
      expect({ key, status: (await api(cp.url, route.method, path)).status }).toEqual({ key, status: 401 });
      for (const role of ['admin', 'operator', 'responder', 'auditor'].filter((r) => !route.roles?.includes(r as never))) {
        const res = await api(cp.url, route.method, path, token(intruder.orgId, role), route.body ? {} : undefined);
        expect({ key, role, status: res.status }).toEqual({ key, role, status: 403 });
        forbidden += 1;
      }
    }
    // Auditors are read-only: every write route refuses them.
    const writes = CONTROL_PLANE_ROUTES.filter((r) => r.auth === 'user' && r.method !== 'get');
    expect(writes.every((r) => !r.roles?.includes('auditor'))).toBe(true);
    expect(forbidden).toBeGreaterThanOrEqual(writes.length);
  });
});
