/** `freshtrack check-config` and the shipped default config used by `freshtrack start`. */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../platform/paths';
import { loadConfigFile } from '../src/config/config';
import { ConfigCoordinator, DEFAULT_WEBHOOK_URL } from '../src/router/config-coordinator';
import { DEFAULT_CONFIG_FILE, routePrefixFor } from '../src/alerting-role';
import { createTestDatabase } from '../../test/helpers/postgres';
import { startOurRouter } from './support/routers';
import type { AlertRouter } from '../src/router/alert-router';
import pino from 'pino';

const cli = (...args: string[]) =>
  new Promise<{ code: number; out: string }>((resolve) => {
    execFile(process.execPath, [join(PROJECT_ROOT, 'bin', 'freshtrack.js'), ...args], { timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr });
    });
  });

describe('alerting CLI commands', () => {
  const dir = mkdtempSync(join(tmpdir(), 'check-config-'));
  const good = join(dir, 'good.yml');
  const bad = join(dir, 'bad.yml');
  writeFileSync(good, 'route: {receiver: a}\nreceivers: [{name: a}, {name: b}]\ninhibit_rules: [{source_matchers: [a="1"], target_matchers: [b="1"]}]\n');
  writeFileSync(bad, 'route: {receiver: a, group_wait: 5 minutes}\nreceivers: [{name: a}]\n');

  test('check-config reports what it found and exits 0', async () => {
    const res = await cli('check-config', good);
    expect(res.code).toBe(0);
    expect(res.out).toContain(`Checking '${good}'  SUCCESS`);
    expect(res.out).toContain(' - 1 inhibit rules\n - 2 receivers\n');
  });

  test('check-config names the bad field and exits 1', async () => {
    const res = await cli('check-config', good, bad);
    expect(res.code).toBe(1);
    expect(res.out).toContain(`Checking '${bad}'  FAILED: route.group_wait: not a valid duration string: "5 minutes"`);
  });

  test('check-config rejects a receiver template that would only fail at page time', async () => {
    const badTemplate = join(dir, 'bad-template.yml');
    writeFileSync(
      badTemplate,
      'route: {receiver: a}\nreceivers:\n- name: a\n  slack_configs:\n  - api_url: http://127.0.0.1:1/hook\n    text: \'{{ template "no.such.template" . }}\'\n',
    );
    const res = await cli('check-config', badTemplate);
    expect(res.code).toBe(1);
    expect(res.out).toMatch(new RegExp(`Checking '${badTemplate}'  FAILED: .*no\\.such\\.template`));
  });

  test('the shipped default config is valid and routes everything to the control plane webhook', () => {
    const cfg = loadConfigFile(DEFAULT_CONFIG_FILE);
    expect(cfg.receivers).toHaveLength(1);
    expect((cfg.receivers[0].integrations[0].config as { url: string }).url).toBe(DEFAULT_WEBHOOK_URL);
  });

  test('ALERTING_DEFAULT_WEBHOOK_URL replaces the default receiver URL', () => {
    const applied: unknown[] = [];
    const router = { applyConfig: (c: unknown) => applied.push(c) } as unknown as AlertRouter;
    const coordinator = new ConfigCoordinator({ file: DEFAULT_CONFIG_FILE, webhookUrl: 'http://cp.internal:8080/hook' }, router, pino({ level: 'silent' }));
    coordinator.reload();
    const cfg = applied[0] as ReturnType<typeof loadConfigFile>;
    expect((cfg.receivers[0].integrations[0].config as { url: string }).url).toBe('http://cp.internal:8080/hook');
  });

  test('route prefix comes from --web.route-prefix or the external URL path', () => {
    expect(routePrefixFor(undefined, 'http://host:9093')).toBe('');
    expect(routePrefixFor(undefined, 'http://host/alertmanager/')).toBe('/alertmanager');
    expect(routePrefixFor('am', 'http://host/x')).toBe('/am');
  });

  test('--web.external-url with a path serves the API and /-/ endpoints under it', async () => {
    const db = await createTestDatabase();
    const router = await startOurRouter('route: {receiver: a}\nreceivers: [{name: a}]\n', db.url, ['--web.external-url=http://127.0.0.1:1/am/', '--web.route-prefix=/am']);
    try {
      expect((await fetch(`${router.url}/am/-/healthy`)).status).toBe(200);
      expect(await (await fetch(`${router.url}/am/api/v2/receivers`)).json()).toEqual([{ name: 'a' }]);
      expect((await fetch(`${router.url}/api/v2/receivers`)).status).toBe(404);
    } finally {
      await router.stop();
      await db.drop();
    }
  }, 60_000);
});
