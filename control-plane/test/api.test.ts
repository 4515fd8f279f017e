import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { waitFor } from '../../test/helpers/processes';
import { api, localTokens, startControlPlaneUnderTest, type ControlPlaneUnderTest, type TokenFactory } from './control-plane-harness';
import { seedOrganization, seedPlatformRecords, type SeededOrganization } from './seed-organization';

// Real processes on a shared 2-core machine: generous time for start-up and each test.
jest.setTimeout(150_000);

/**
 * A local server speaking the router's two endpoints the control plane calls (ack, post
 * alerts), so requests can be inspected; the real router's part of the path is covered in
 * router-e2e.test.ts (its ack endpoint is not served by `freshtrack alerting` yet).
 */
function startRouterDouble(): Promise<{ server: Server; url: string; requests: { path: string; body: unknown }[] }> {
  const requests: { path: string; body: unknown }[] = [];
  const server = createServer((req, res) => {
    let data = '';
    req.on('data', (c) => (data += c));
    req.on('end', () => {
      requests.push({ path: decodeURIComponent(req.url ?? ''), body: data ? JSON.parse(data) : undefined });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests })));
}

describe('control plane API (real PostgreSQL, production build)', () => {
  let cp: ControlPlaneUnderTest;
  let token: TokenFactory;
  let org: SeededOrganization;
  let router: Awaited<ReturnType<typeof startRouterDouble>>;
  const WEBHOOK_TOKEN = 'webhook-secret-0123456789';
  let admin: string;

  beforeAll(async () => {
    router = await startRouterDouble();
    cp = await startControlPlaneUnderTest({ ALERTMANAGER_URL: router.url, CONTROL_PLANE_WEBHOOK_TOKEN: WEBHOOK_TOKEN });
    org = await seedOrganization(cp.db.pool, 'alpha');
    await seedPlatformRecords(cp.db.pool);
    token = await localTokens(cp.db);
    admin = token(org.orgId, 'admin');
  });
  afterAll(async () => {
    await cp?.stop();
    router?.server.close();
  });

  test('inventory: site -> unit -> sensor -> thresholds, with defaults per unit type and 400s naming the field', async () => {
    const site = await api(cp.url, 'post', '/v1/sites', admin, { name: 'Harbour Kitchen', jurisdiction: 'uk' });
    expect(site.status).toBe(201);
    const bad = await api(cp.url, 'post', '/v1/units', admin, { siteId: site.json.id, name: 'Hot pass', unitType: 'oven' });
    expect(bad.status).toBe(400);
    expect(bad.json.field).toBe('unitType');
    const unit = await api(cp.url, 'post', '/v1/units', admin, { siteId: site.json.id, name: 'Hot pass', unitType: 'hot-holding' });
    expect(unit.status).toBe(201);
    const defaults = await api(cp.url, 'get', `/v1/units/${unit.json.id}/thresholds`, admin);
    expect(defaults.json).toMatchObject({ source: 'default:uk', minWarningC: 63 });
    const badThresholds = await api(cp.url, 'put', `/v1/units/${unit.json.id}/thresholds`, admin, { minWarningC: 60, minCriticalC: 65, delaySeconds: 600 });
    expect(badThresholds.json.field).toBe('minCriticalC');
    const put = await api(cp.url, 'put', `/v1/units/${unit.json.id}/thresholds`, admin, {
      minWarningC: 63, minCriticalC: 57, delaySeconds: 900, suppressionWindows: [{ cron: '0 3 * * *', duration_minutes: 30, reason: 'cleaning' }],
    });
    expect(put.status).toBe(200);
    expect((await api(cp.url, 'get', `/v1/units/${unit.json.id}/thresholds`, admin)).json.source).toBe('explicit');
    const sensor = await api(cp.url, 'post', '/v1/sensors', admin, { unitId: unit.json.id, externalId: 'EUI-0001', intervalSeconds: 120 });
    expect(sensor.status).toBe(201);
    const dup = await api(cp.url, 'post', '/v1/sensors', admin, { unitId: unit.json.id, externalId: 'EUI-0001' });
    expect(dup.status).toBe(409);
    const missingUnit = await api(cp.url, 'post', '/v1/sensors', admin, { unitId: '00000000-0000-4000-8000-000000000000', externalId: 'EUI-2' });
    expect(missingUnit.status).toBe(400);
    expect(missingUnit.json.field).toBe('unitId');
    expect((await api(cp.url, 'patch', `/v1/sensors/${sensor.json.id}`, admin, { name: 'Pass probe' })).json.name).toBe('Pass probe');
    expect((await api(cp.url, 'get', `/v1/sensors?unitId=${unit.json.id}`, admin)).json.items).toHaveLength(1);
    expect((await api(cp.url, 'get', `/v1/units?siteId=${site.json.id}`, admin)).json.items).toHaveLength(1);
    expect((await api(cp.url, 'patch', `/v1/units/${unit.json.id}`, admin, { name: 'Hot pass 1' })).json.name).toBe('Hot pass 1');
    expect((await api(cp.url, 'patch', `/v1/sites/${site.json.id}`, admin, { timezone: 'Europe/London' })).json.timezone).toBe('Europe/London');
    expect((await api(cp.url, 'patch', `/v1/sites/${site.json.id}`, admin, { timezone: 'Mars/Base' })).json).toMatchObject({ field: 'timezone', reason: 'must be an IANA time zone' });
    const legacy = (await api(cp.url, 'get', '/v1/threshold-defaults?jurisdiction=fda-legacy-45f', admin)).json;
    expect(legacy.unitTypes.fridge.maxWarningC).toBe(7.2);
    expect(legacy.cooling).toEqual({ startC: 57, stage1C: 21, stage1Seconds: 7200, stage2C: 7.2, stage2Seconds: 21600 });
    expect((await api(cp.url, 'delete', `/v1/sensors/${sensor.json.id}`, admin)).status).toBe(200);
    expect((await api(cp.url, 'get', `/v1/sensors/${sensor.json.id}`, admin)).status).toBe(404);
    expect((await api(cp.url, 'delete', `/v1/units/${unit.json.id}`, admin)).status).toBe(200);
    expect((await api(cp.url, 'delete', `/v1/sites/${site.json.id}`, admin)).status).toBe(200);
    const patched = await api(cp.url, 'patch', '/v1/organization', admin, { name: 'Alpha Foods Ltd' });
    expect(patched.json.name).toBe('Alpha Foods Ltd');
  });

  test('device keys: shown once, stored as sha256, revocable', async () => {
    const issued = await api(cp.url, 'post', '/v1/device-keys', admin, { name: 'gateway 1' });
    expect(issued.status).toBe(201);
    expect(issued.json.key).toMatch(/^ftk_[A-Za-z0-9_-]{43}$/);
    expect(issued.json.prefix).toBe(issued.json.key.slice(0, 12));
    const stored = await cp.db.pool.query(`SELECT encode(key_hash, 'hex') AS h FROM device_keys WHERE id = $1`, [issued.json.id]);
    expect(stored.rows[0].h).toBe(require('node:crypto').createHash('sha256').update(issued.json.key).digest('hex'));
    const list = await api(cp.url, 'get', '/v1/device-keys', admin);
    expect(list.text).not.toContain(issued.json.key);
    expect(list.json.items.map((k: { id: string }) => k.id)).toContain(issued.json.id);
    const revoked = await api(cp.url, 'post', `/v1/device-keys/${issued.json.id}/revoke`, admin);
    expect(revoked.json.revokedAt).not.toBeNull();
  });

  test('readings: raw for a short range, date_bin buckets for a long one', async () => {
    const now = Date.now();
    const short = await api(cp.url, 'get', `/v1/sensors/${org.sensorId}/readings?from=${new Date(now - 3600_000).toISOString()}`, admin);
    expect(short.json.bucketSeconds).toBeNull();
    expect(short.json.points.length).toBeGreaterThanOrEqual(59);
    const long = await api(cp.url, 'get', `/v1/units/${org.unitId}/readings?from=${new Date(now - 2 * 86400_000).toISOString()}&maxPoints=100`, admin);
    expect(long.json.bucketSeconds).toBe(1800);
    expect(long.json.points.length).toBeLessThanOrEqual(100);
    expect(long.json.points.reduce((n: number, p: { count: number }) => n + p.count, 0)).toBe(2880);
    expect(long.json.points[0]).toHaveProperty('maxC');
    const bad = await api(cp.url, 'get', `/v1/units/${org.unitId}/readings?from=yesterday`, admin);
    expect(bad.status).toBe(400);
    expect(bad.json.field).toBe('from');
  });

  test('excursions, alerts, acknowledgement forwarded to the router and recorded locally', async () => {
    const alerts = await api(cp.url, 'get', '/v1/alerts', admin);
    expect(alerts.json.items.map((a: { id: string }) => a.id)).toEqual([org.excursionId]);
    const ack = await api(cp.url, 'post', `/v1/excursions/${org.excursionId}/ack`, token(org.orgId, 'responder'), { comment: 'moving stock to freezer 2' });
    expect(ack.status).toBe(201);
    expect(ack.json.forwarded).toBe(true);
    const forwarded = router.requests.find((r) => r.path.includes('/ack'));
    expect(forwarded?.path).toBe(`/api/v2/alerts/groups/{}:{alertname="TemperatureExcursion", org="alpha", group="ALPHA-GROUP"}/ack`);
    const detail = await api(cp.url, 'get', `/v1/excursions/${org.excursionId}`, admin);
    expect(detail.json.acknowledgement.comment).toBe('moving stock to freezer 2');
    expect(detail.json.correctiveActionId).toBe(org.actionId);
    // When the system learned of it, beside when the breach began: backfills show the gap.
    expect(Date.parse(detail.json.detectedAt)).toBeGreaterThan(0);
    const page1 = await api(cp.url, 'get', '/v1/excursions?limit=1', admin);
    expect(page1.json.items).toHaveLength(1);
    const page2 = await api(cp.url, 'get', `/v1/excursions?limit=1&cursor=${page1.json.nextCursor}`, admin);
    expect(page2.json.items[0].id).not.toBe(page1.json.items[0].id);
    expect(page2.json.nextCursor).toBeNull();
    expect((await api(cp.url, 'get', '/v1/excursions?cursor=garbage', admin)).json.field).toBe('cursor');
  });

  test('ack is kept when the router is unreachable, and the failure is reported', async () => {
    const other = await startControlPlaneUnderTest({ ALERTMANAGER_URL: 'http://127.0.0.1:9', CONTROL_PLANE_OUTBOX_RELAY: 'false' }, cp.db);
    try {
      const ack = await api(other.url, 'post', `/v1/excursions/${org.excursionId}/ack`, admin, { groupKey: 'g1' });
      expect(ack.status).toBe(201);
      expect(ack.json.forwarded).toBe(false);
      expect(ack.json.forwardError).toMatch(/router unreachable/);
      const stored = await cp.db.pool.query('SELECT forwarded, forward_error FROM acknowledgements WHERE id = $1', [ack.json.id]);
      expect(stored.rows[0].forwarded).toBe(false);
    } finally {
      await other.stop();
    }
  });

  test('corrective action: opened by the trigger, completed and verified with signatures by two people', async () => {
    const list = await api(cp.url, 'get', '/v1/corrective-actions?state=open', admin);
    expect(list.json.items.map((a: { excursionId: string }) => a.excursionId).sort()).toEqual([org.excursionId, org.closedExcursionId].sort());
    const responder = token(org.orgId, 'responder', { sub: 'user:rita', name: 'Rita Responder' });
    const missing = await api(cp.url, 'post', `/v1/corrective-actions/${org.actionId}/complete`, responder, { actionTaken: 'Moved stock', meaning: 'performed' });
    expect(missing.json.field).toBe('productDisposition');
    const early = await api(cp.url, 'post', `/v1/corrective-actions/${org.actionId}/verify`, admin, { note: 'checked', meaning: 'verified' });
    expect(early.status).toBe(409);
    const done = await api(cp.url, 'post', `/v1/corrective-actions/${org.actionId}/complete`, responder, { actionTaken: 'Moved stock to freezer 2; probe 9 °C', productDisposition: 'discarded', meaning: 'performed' });
    expect(done.status).toBe(200);
    expect(done.json).toMatchObject({ state: 'completed', completedByName: 'Rita Responder', completionMeaning: 'performed' });
    expect(done.json.completedAt).toBeTruthy();
    const sameVerifier = await api(cp.url, 'post', `/v1/corrective-actions/${org.actionId}/verify`, token(org.orgId, 'operator', { sub: 'user:rita' }), { note: 'looks fine', meaning: 'verified' });
    expect(sameVerifier.status).toBe(409);
    const verified = await api(cp.url, 'post', `/v1/corrective-actions/${org.actionId}/verify`, token(org.orgId, 'operator', { sub: 'user:omar', name: 'Omar Operator' }), { note: 'Stock discarded, unit back at 3 °C', meaning: 'reviewed and approved' });
    expect(verified.json).toMatchObject({ state: 'verified', verifiedByName: 'Omar Operator' });
    expect((await api(cp.url, 'get', `/v1/corrective-actions/${org.actionId}`, admin)).json.state).toBe('verified');
  });

  test('audit views: filters, keyset pagination, CSV export', async () => {
    const from = new Date(Date.now() - 3600_000).toISOString();
    const p1 = await api(cp.url, 'get', `/v1/audit/temperature-log?unitId=${org.unitId}&from=${from}&limit=25`, admin);
    expect(p1.json.items).toHaveLength(25);
    const seen = new Set(p1.json.items.map((r: { recordedAt: string }) => r.recordedAt));
    let cursor = p1.json.nextCursor;
    while (cursor) {
      const next = await api(cp.url, 'get', `/v1/audit/temperature-log?unitId=${org.unitId}&from=${from}&limit=25&cursor=${cursor}`, admin);
      for (const r of next.json.items) {
        expect(seen.has(r.recordedAt)).toBe(false);
        seen.add(r.recordedAt);
      }
      cursor = next.json.nextCursor;
    }
    expect(seen.size).toBeGreaterThanOrEqual(59);
    expect(seen.size).toBeLessThanOrEqual(61);
    const csv = await api(cp.url, 'get', `/v1/audit/temperature-log?unitId=${org.unitId}&from=${from}&limit=5&format=csv`, admin);
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]).toBe('recordedAt,receivedAt,site,unit,unitType,sensor,temperatureC,temperatureF,doorOpen');
    expect(lines).toHaveLength(6);
    expect(lines[1]).toContain('ALPHA-WALKIN');
    const backups = await api(cp.url, 'get', '/v1/audit/backups?kind=restore_test', token(org.orgId, 'auditor'));
    expect(backups.json.items).toHaveLength(1);
    const certs = await api(cp.url, 'get', '/v1/audit/certificates', admin);
    expect(certs.json.items[0]).toMatchObject({ serialNumber: '02', daysLeft: 88 });
    expect(certs.json.items[1]).toMatchObject({ serialNumber: '01', renewedAfter: true });
    const notes = await api(cp.url, 'get', '/v1/audit/notifications?format=csv', admin);
    expect(notes.text).toContain('ALPHA-GROUP');
    const ex = await api(cp.url, 'get', '/v1/audit/excursions', admin);
    expect(ex.json.items.length).toBe(2);
    expect(ex.json.items.every((r: { detectedAt: string }) => Date.parse(r.detectedAt) > 0)).toBe(true);
    const log = await api(cp.url, 'get', '/v1/audit/audit-log?entityType=corrective-action', token(org.orgId, 'auditor'));
    expect(log.json.items.map((r: { action: string }) => r.action)).toEqual(['verify', 'complete']);
    expect(log.json.items[0].before.state).toBe('completed');
    expect(log.json.items[0].after.state).toBe('verified');
    expect((await api(cp.url, 'get', '/v1/audit/audit-log', token(org.orgId, 'responder'))).status).toBe(403);
  });

  test('evidence bundle: CSVs with a manifest of their SHA-256 hashes', async () => {
    const from = new Date(Date.now() - 3 * 86400_000).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    const res = await api(cp.url, 'get', `/v1/audit/evidence?from=${from}&to=${to}`, token(org.orgId, 'auditor'));
    expect(res.status).toBe(200);
    const names = res.json.files.map((f: { name: string }) => f.name);
    expect(names).toEqual(['temperature-log.csv', 'excursions.csv', 'backups.csv', 'certificates.csv', 'notifications.csv', 'audit-log.csv']);
    const { createHash } = require('node:crypto');
    for (const f of res.json.files) {
      const entry = res.json.manifest.files.find((m: { name: string }) => m.name === f.name);
      expect(entry.sha256).toBe(createHash('sha256').update(f.content).digest('hex'));
    }
    expect(res.json.manifestSha256).toBe(createHash('sha256').update(res.json.manifestText).digest('hex'));
    expect(res.json.files[0].rows).toBe(2880);
    expect((await api(cp.url, 'get', `/v1/audit/evidence?from=${to}&to=${from}`, admin)).json.field).toBe('to');
  });

  test('deployments are recorded and their alert reaches the router through the outbox', async () => {
    const dep = await api(cp.url, 'post', '/v1/deployments', admin, { version: 'v1.2.0', environment: 'production', result: 'failure', description: 'migration failed' });
    expect(dep.status).toBe(201);
    const sent = await waitFor(async () => router.requests.find((r) => r.path === '/api/v2/alerts'), 30_000, 200);
    expect(sent.body).toEqual([expect.objectContaining({ labels: expect.objectContaining({ alertname: 'Deployment', version: 'v1.2.0', result: 'failure', org: 'alpha', severity: 'warning' }) })]);
    await waitFor(async () => (await cp.db.pool.query('SELECT 1 FROM alert_outbox WHERE delivered_at IS NOT NULL')).rowCount === 1, 15_000, 200);
    expect((await api(cp.url, 'get', '/v1/deployments', admin)).json.items[0].version).toBe('v1.2.0');
    expect((await api(cp.url, 'post', '/v1/deployments', admin, { version: 'v 1', environment: 'prod', result: 'success' })).json.field).toBe('version');
  });

  test('alert-notification webhook: v4 payloads stored, shared token enforced', async () => {
    const payload = { version: '4', receiver: 'control-plane', status: 'firing', groupKey: '{}:{alertname="X"}', alerts: [{ status: 'firing', labels: { alertname: 'X' } }] };
    expect((await api(cp.url, 'post', '/v1/alert-notifications', undefined, payload)).status).toBe(401);
    expect((await api(cp.url, 'post', '/v1/alert-notifications', 'wrong-token-0123456789', payload)).status).toBe(401);
    const ok = await api(cp.url, 'post', '/v1/alert-notifications', WEBHOOK_TOKEN, payload);
    expect(ok.status).toBe(202);
    const bad = await api(cp.url, 'post', '/v1/alert-notifications', WEBHOOK_TOKEN, { ...payload, version: '3' });
    expect(bad.json.field).toBe('version');
    expect((await cp.db.pool.query('SELECT count(*)::int AS n FROM received_alert_notifications')).rows[0].n).toBe(1);
    const labelled = { ...payload, groupKey: '{}:{org="alpha"}', alerts: [{ status: 'firing', labels: { alertname: 'TemperatureExcursion', org: 'alpha' } }] };
    expect((await api(cp.url, 'post', '/v1/alert-notifications', WEBHOOK_TOKEN, labelled)).status).toBe(202);
    const received = await api(cp.url, 'get', '/v1/alert-notifications', token(org.orgId, 'responder'));
    expect(received.json.items.map((n: { groupKey: string }) => n.groupKey)).toEqual(['{}:{org="alpha"}']);
  });

  test('retention deletes old records except under legal hold', async () => {
    const old = new Date(Date.now() - 40 * 86400_000);
    await cp.db.pool.query(`INSERT INTO deployments (org_id, version, environment, result, recorded_by, recorded_at) VALUES ($1, 'v0.1', 'prod', 'success', 'x', $2)`, [org.orgId, old]);
    expect((await api(cp.url, 'put', '/v1/retention/deployments', admin, { retainDays: 30 })).status).toBe(200);
    expect((await api(cp.url, 'put', '/v1/retention/recipes', admin, { retainDays: 30 })).json.field).toBe('recordClass');
    const hold = await api(cp.url, 'post', '/v1/legal-holds', admin, { recordClass: 'deployments', reason: 'litigation 2026-17' });
    expect(hold.status).toBe(201);
    let run = await api(cp.url, 'post', '/v1/retention/enforce', admin);
    expect(run.json.outcomes.find((o: { recordClass: string }) => o.recordClass === 'deployments')).toMatchObject({ held: true, deleted: 0 });
    expect((await api(cp.url, 'get', '/v1/retention', token(org.orgId, 'auditor'))).json.holds).toHaveLength(1);
    expect((await api(cp.url, 'post', `/v1/legal-holds/${hold.json.id}/release`, admin)).json.releasedAt).not.toBeNull();
    run = await api(cp.url, 'post', '/v1/retention/enforce', admin);
    expect(run.json.outcomes.find((o: { recordClass: string }) => o.recordClass === 'deployments')).toMatchObject({ held: false, deleted: 1 });
    // Food-safety records are inside the 2-year default and stay.
    expect(run.json.outcomes.find((o: { recordClass: string }) => o.recordClass === 'temperature-readings')).toMatchObject({ retainDays: 730, deleted: 0 });
    expect((await api(cp.url, 'get', '/v1/legal-holds', admin)).json.items[0].releasedBy).toBeTruthy();
  });
});
