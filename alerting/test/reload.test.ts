/**
 * Reload through POST /-/reload and SIGHUP: a good config takes effect, a bad one answers
 * 500 like Alertmanager, keeps the old config and sets the reload-failed metric. An invalid
 * config at start-up exits 1 without listening.
 */
import { writeFileSync } from 'node:fs';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/postgres';
import { freePort, startFreshtrack, waitFor } from '../../test/helpers/processes';
import { startOurRouter, type RunningRouter } from './support/routers';

const config = (receivers: string[]) => `route: {receiver: ${receivers[0]}}\nreceivers:\n${receivers.map((r) => `- name: ${r}`).join('\n')}\n`;
const receivers = async (r: RunningRouter) => ((await (await fetch(`${r.url}/api/v2/receivers`)).json()) as { name: string }[]).map((x) => x.name);
const metric = async (r: RunningRouter, name: string) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(await (await fetch(`${r.url}/metrics`)).text())?.[1]);

describe('config reload', () => {
  let db: TestDatabase;
  let router: RunningRouter;

  beforeAll(async () => {
    db = await createTestDatabase();
    router = await startOurRouter(config(['a']), db.url);
  }, 120_000);

  afterAll(async () => {
    await router?.stop();
    await db?.drop();
  });

  test('POST /-/reload applies a valid config', async () => {
    const before = await metric(router, 'alertmanager_config_hash');
    writeFileSync(router.configFile, config(['a', 'b']));
    const res = await fetch(`${router.url}/-/reload`, { method: 'POST' });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
    expect(await receivers(router)).toEqual(['a', 'b']);
    expect(await metric(router, 'alertmanager_config_last_reload_successful')).toBe(1);
    expect(await metric(router, 'alertmanager_config_hash')).not.toBe(before);
  });

  test('a bad config answers 500, keeps the old one and sets the failure metric', async () => {
    writeFileSync(router.configFile, 'route: {receiver: missing}\nreceivers: [{name: a}]\n');
    const res = await fetch(`${router.url}/-/reload`, { method: 'POST' });
    expect(res.status).toBe(500);
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    const body = await res.text();
    expect(body).toMatch(/^failed to reload config: .*undefined receiver "missing" used in route\n$/);
    expect(body).toContain('route.receiver');
    expect(await receivers(router)).toEqual(['a', 'b']);
    expect(await metric(router, 'alertmanager_config_last_reload_successful')).toBe(0);
    const get = await fetch(`${router.url}/-/reload`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('OPTIONS, POST');
  });

  test('SIGHUP reloads', async () => {
    writeFileSync(router.configFile, config(['c']));
    router.proc.proc.kill('SIGHUP');
    await waitFor(async () => (await receivers(router)).join() === 'c', 20_000);
    expect(await metric(router, 'alertmanager_config_last_reload_successful')).toBe(1);
  });

  test('alertmanager_* metrics count alerts by state, silences, invalid alerts', async () => {
    const post = (body: unknown) => fetch(`${router.url}/api/v2/alerts`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    await post([{ labels: { alertname: 'M1' } }, { labels: { alertname: 'M2' } }]);
    await post([{ labels: { '0bad': 'x' } }]);
    const now = Date.now();
    await fetch(`${router.url}/api/v2/silences`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ matchers: [{ name: 'alertname', value: 'M2', isRegex: false }], startsAt: new Date(now).toISOString(), endsAt: new Date(now + 60_000).toISOString(), createdBy: 't', comment: 'c' }),
    });
    const text = await (await fetch(`${router.url}/metrics`)).text();
    const value = (series: string) => Number(new RegExp(`^${series.replace(/[{}]/g, '\\$&').replace(/"\\}$/, '"[^}]*\\}')} (\\S+)$`, 'm').exec(text)?.[1]);
    expect(value('alertmanager_alerts{state="active"}')).toBe(1);
    expect(value('alertmanager_alerts{state="suppressed"}')).toBe(1);
    expect(value('alertmanager_silences{state="active"}')).toBe(1);
    // Alertmanager counts the invalid alert as received too (api-v1.test.ts compares both versions' counts with it).
    expect(value('alertmanager_alerts_received_total{status="firing",version="v2"}')).toBe(3);
    expect(text).toMatch(/^alertmanager_alerts_invalid_total(\{[^}]*\})? 1$/m);
  });

  test('an invalid config at start-up exits 1 without listening', async () => {
    const file = `${router.configFile}.bad`;
    writeFileSync(file, 'route: {receiver: a}\nreceivers: [{name: a}]\nbogus: 1\n');
    const port = await freePort();
    const proc = startFreshtrack(['alerting', `--config.file=${file}`, `--web.listen-address=127.0.0.1:${port}`], { DATABASE_URL: db.url });
    expect(await proc.exited).toBe(1);
    expect(proc.output()).toContain('bogus: field bogus not found');
    await expect(fetch(`http://127.0.0.1:${port}/-/ready`)).rejects.toThrow();
  });
});
