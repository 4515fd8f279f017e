import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/postgres';
import { freePort, startFreshtrack, waitFor, type RunningProcess } from '../../test/helpers/processes';
import { api, localTokens, startControlPlaneUnderTest, type ControlPlaneUnderTest } from './control-plane-harness';
import { seedOrganization } from './seed-organization';

// Real processes on a shared 2-core machine: generous time for start-up and each test.
jest.setTimeout(150_000);

/**
 * The real router (`freshtrack alerting`, production build) between the control plane and
 * itself: a deploy recorded through the API leaves via the outbox, is routed and grouped by
 * the router, and comes back through the webhook receiver, visible to the organization.
 */
describe('deploy notification through the real router and back to the webhook receiver', () => {
  let db: TestDatabase;
  let cp: ControlPlaneUnderTest;
  let router: RunningProcess;
  let routerUrl: string;
  let dir: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    const routerPort = await freePort();
    routerUrl = `http://127.0.0.1:${routerPort}`;
    cp = await startControlPlaneUnderTest({ ALERTMANAGER_URL: `http://127.0.0.1:${routerPort}` }, db);
    dir = mkdtempSync(join(tmpdir(), 'cp-router-'));
    const config = join(dir, 'router.yml');
    writeFileSync(
      config,
      `route:
  receiver: control-plane
  group_by: [alertname, org]
  group_wait: 1s
  group_interval: 5s
  repeat_interval: 1h
receivers:
- name: control-plane
  webhook_configs:
  - url: ${cp.url}/v1/alert-notifications
`,
    );
    router = startFreshtrack(['alerting', `--web.listen-address=127.0.0.1:${routerPort}`, `--config.file=${config}`], { DATABASE_URL: db.url, LOG_LEVEL: 'warn' });
    await waitFor(async () => (await fetch(`http://127.0.0.1:${routerPort}/readyz`)).ok, 60_000, 200).catch((err) => {
      throw new Error(`router not ready: ${(err as Error).message}\n${router.output()}`);
    });
  });
  afterAll(async () => {
    await router?.stop();
    await cp?.stop();
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('POST /v1/deployments -> outbox -> router -> /v1/alert-notifications', async () => {
    const orgId = (await db.pool.query(`INSERT INTO organizations (slug, name) VALUES ('deployco', 'DeployCo') RETURNING id`)).rows[0].id;
    const token = (await localTokens(db))(orgId, 'operator');
    const dep = await api(cp.url, 'post', '/v1/deployments', token, { version: 'v2.0.1', environment: 'staging', result: 'success' });
    expect(dep.status).toBe(201);
    const received = await waitFor(async () => {
      const res = await api(cp.url, 'get', '/v1/alert-notifications', token);
      return res.json.items.length ? res.json.items : undefined;
    }, 90_000, 500).catch(async (err) => {
      const outbox = await db.pool.query('SELECT attempts, last_error, delivered_at FROM alert_outbox');
      throw new Error(`${(err as Error).message}\noutbox: ${JSON.stringify(outbox.rows)}\nrouter output:\n${router.output()}\ncontrol plane output:\n${cp.proc.output()}`);
    });
    expect(received[0].commonLabels).toMatchObject({ alertname: 'Deployment', org: 'deployco', version: 'v2.0.1', environment: 'staging', result: 'success' });
    expect(received[0].receiver).toBe('control-plane');
    const outbox = await db.pool.query('SELECT delivered_at, attempts FROM alert_outbox');
    expect(outbox.rows).toHaveLength(1);
    expect(outbox.rows[0].delivered_at).not.toBeNull();
  });

  test('an acknowledgement in the control plane reaches the router and is on its record for the group', async () => {
    const org = await seedOrganization(db.pool, 'ackco');
    const token = (await localTokens(db))(org.orgId, 'responder');
    const alert = { labels: { alertname: 'TemperatureExcursion', category: 'food-safety', org: 'ackco' }, annotations: { summary: 'walk-in at 9 °C' } };
    const posted = await fetch(`${routerUrl}/api/v2/alerts`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify([alert]) });
    expect(posted.status).toBe(200);
    const notice = await waitFor(async () => {
      const res = await api(cp.url, 'get', '/v1/alert-notifications', token);
      return res.json.items.find((n: { commonLabels: Record<string, string> }) => n.commonLabels.alertname === 'TemperatureExcursion');
    }, 90_000, 500);
    const ack = await api(cp.url, 'post', `/v1/excursions/${org.excursionId}/ack`, token, { groupKey: notice.groupKey, comment: 'moving stock to the reach-in' });
    expect(ack.status).toBe(201);
    expect(ack.json).toMatchObject({ forwarded: true, forwardError: null });
    const acks = await fetch(`${routerUrl}/api/v2/alerts/groups/${encodeURIComponent(notice.groupKey)}/acks`);
    expect(acks.status).toBe(200);
    expect(JSON.stringify(await acks.json())).toContain('moving stock to the reach-in');
  });
});
