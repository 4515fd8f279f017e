import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { PROJECT_ROOT } from '../platform/paths';

/**
 * The deploy and notify scripts, run for real in --dry-run mode: health checks probe local
 * HTTP servers (200 or 503), notify.sh posts to a local server speaking the Alertmanager v2
 * alerts API. Every script passes shellcheck.
 */
const execFileP = promisify(execFile);
const SCRIPTS = join(PROJECT_ROOT, 'scripts');

function shellScripts(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return shellScripts(path);
    return name.endsWith('.sh') ? [path] : [];
  });
}

interface Captured {
  method: string;
  url: string;
  contentType: string;
  body: string;
}
interface LocalServer {
  url: string;
  requests: Captured[];
  close(): Promise<void>;
}

/** localServer answers every request with `status` and records it. */
async function localServer(status: number): Promise<LocalServer> {
  const requests: Captured[] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      requests.push({ method: req.method!, url: req.url!, contentType: req.headers['content-type'] ?? '', body });
      res.writeHead(status, { 'Content-Type': 'application/json' }).end(status < 300 ? '{"status":"ok"}' : '{"status":"not ready"}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

async function runScript(script: string, args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await execFileP(join(SCRIPTS, script), args, { env: { ...process.env, ...env }, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** Asserts the lines matching each pattern appear, in this order. */
function expectInOrder(output: string, patterns: RegExp[]): void {
  const lines = output.split('\n');
  let at = -1;
  for (const p of patterns) {
    const found = lines.findIndex((l, i) => i > at && p.test(l));
    expect({ pattern: String(p), found: found >= 0, output: found >= 0 ? '' : output }).toEqual({ pattern: String(p), found: true, output: '' });
    at = found;
  }
}

function healthEnv(url: string): Record<string, string> {
  return Object.fromEntries(['INGEST', 'CONTROL_PLANE', 'ALERTING', 'EXPORTERS'].map((r) => [`HEALTH_URL_${r}`, `${url}/readyz`]));
}

describe('shell scripts', () => {
  const scripts = shellScripts(SCRIPTS);

  test('the deploy, notify and shared scripts exist', () => {
    const names = scripts.map((s) => relative(SCRIPTS, s));
    expect(names).toEqual(expect.arrayContaining(['deploy-selfhosted.sh', 'deploy-digitalocean.sh', 'notify.sh', 'lib/deploy-common.sh']));
  });

  test.each(scripts.map((s) => [relative(SCRIPTS, s), s]))('%s is shellcheck-clean', async (_name, path) => {
    // From the repository root, where the scripts' `# shellcheck source=scripts/…` directives resolve.
    const { stdout } = await execFileP('shellcheck', ['-x', '-f', 'gcc', path], { cwd: PROJECT_ROOT }).catch((e: { stdout: string }) => ({ stdout: e.stdout }));
    expect(stdout).toBe('');
  });

  // Executables (a shebang) set strict mode; sourced libraries inherit it from their caller.
  const executables = scripts.filter((s) => readFileSync(s, 'utf8').startsWith('#!'));
  test.each(executables.map((s) => [relative(SCRIPTS, s), s]))('%s runs with set -euo pipefail', (_name, path) => {
    expect(readFileSync(path, 'utf8')).toMatch(/^set -euo pipefail$/m);
  });
});

describe('deploy-selfhosted.sh --dry-run', () => {
  let state: string;
  let marker: string;
  beforeEach(() => {
    state = mkdtempSync(join(tmpdir(), 'deploy-state-'));
    marker = join(state, 'backup-ran');
  });
  afterEach(() => rmSync(state, { recursive: true, force: true }));

  test('prints backup → deploy → health check → notify for every role and changes nothing', async () => {
    const ready = await localServer(200);
    try {
      const r = await runScript('deploy-selfhosted.sh', ['--dry-run', '--version', '2.0.0'], {
        ...healthEnv(ready.url),
        FRESHTRACK_STATE_DIR: state,
        BACKUP_COMMAND: `touch ${marker}`,
        HEALTH_TIMEOUT_SECONDS: '10',
        HEALTH_INTERVAL_SECONDS: '1',
      });
      expect(r.code).toBe(0);
      expectInOrder(r.stdout, [
        /^==> plan: deploy 2\.0\.0 .*dry run/,
        /^==> backup/,
        /^would run: touch /,
        /^==> deploy exporters 2\.0\.0/,
        /^would run: env FRESHTRACK_VERSION=2\.0\.0 docker compose .*compose\.prod\.yaml up -d --no-deps exporters$/,
        /^health check ok: /,
        /^==> deploy ingest 2\.0\.0/,
        /^health check ok: /,
        /^==> notify: success/,
        /^would run: .*notify\.sh --environment production --version 2\.0\.0 --result success/,
        /^==> done/,
      ]);
      expect(ready.requests.filter((q) => q.url === '/readyz')).toHaveLength(4);
      // Every service of the production stack is started: infrastructure first, then the roles.
      const infra = r.stdout.match(/^==> start infrastructure \((.*)\)$/m)![1].split(' ');
      const roles = [...r.stdout.matchAll(/^==> deploy ([\w-]+) 2\.0\.0$/gm)].map((m) => m[1]);
      const services = ['compose.yaml', 'compose.prod.yaml'].flatMap((f) => Object.keys(parse(readFileSync(join(PROJECT_ROOT, 'docker', f), 'utf8')).services));
      expect([...infra, ...roles].sort()).toEqual([...new Set(services)].sort());
      expect(existsSync(marker)).toBe(false);
      expect(existsSync(join(state, 'deployed-version'))).toBe(false);
    } finally {
      await ready.close();
    }
  });

  test('a role that never becomes ready is rolled back to the previous version and the failure notified', async () => {
    const down = await localServer(503);
    writeFileSync(join(state, 'deployed-version'), '1.9.0\n');
    try {
      const r = await runScript('deploy-selfhosted.sh', ['--dry-run', '--version', '2.0.0'], {
        ...healthEnv(down.url),
        FRESHTRACK_STATE_DIR: state,
        BACKUP_COMMAND: `touch ${marker}`,
        HEALTH_TIMEOUT_SECONDS: '2',
        HEALTH_INTERVAL_SECONDS: '1',
      });
      expect(r.code).toBe(1);
      expectInOrder(r.stdout, [
        /^==> plan: deploy 2\.0\.0 \(previous: 1\.9\.0\)/,
        /^==> backup/,
        /^==> deploy exporters 2\.0\.0/,
        /^health check FAILED: .*\/readyz did not answer 2xx/,
        /^==> rollback to 1\.9\.0/,
        /^would run: env FRESHTRACK_VERSION=1\.9\.0 docker compose .* up -d --no-deps exporters$/,
        /^==> notify: failure/,
        /^would run: .*notify\.sh .*--version 2\.0\.0 --result failure/,
        /^==> failed: 2\.0\.0 was not deployed/,
      ]);
      expect(r.stdout).not.toMatch(/deploy ingest 2\.0\.0/);
      expect(readFileSync(join(state, 'deployed-version'), 'utf8')).toBe('1.9.0\n');
    } finally {
      await down.close();
    }
  });
});

describe('deploy-selfhosted.sh --rollback --dry-run', () => {
  test('redeploys the version before the current one, without a backup, and notifies', async () => {
    const state = mkdtempSync(join(tmpdir(), 'deploy-state-'));
    const ready = await localServer(200);
    try {
      writeFileSync(join(state, 'deployed-version'), '2.0.0\n');
      writeFileSync(join(state, 'previous-version'), '1.9.0\n');
      const r = await runScript('deploy-selfhosted.sh', ['--rollback', '--dry-run'], { ...healthEnv(ready.url), FRESHTRACK_STATE_DIR: state, HEALTH_INTERVAL_SECONDS: '1' });
      expect(r.code).toBe(0);
      expectInOrder(r.stdout, [
        /^==> plan: deploy 1\.9\.0 \(previous: 2\.0\.0\)/,
        /^==> deploy exporters 1\.9\.0/,
        /^==> deploy ingest 1\.9\.0/,
        /^health check ok: /,
        /^would run: .*notify\.sh .*--version 1\.9\.0 --result success/,
      ]);
      expect(r.stdout).not.toMatch(/==> backup/);
    } finally {
      await ready.close();
      rmSync(state, { recursive: true, force: true });
    }
  });

  test('refuses when no deployment was ever recorded', async () => {
    const state = mkdtempSync(join(tmpdir(), 'deploy-state-'));
    try {
      const r = await runScript('deploy-selfhosted.sh', ['--rollback', '--dry-run'], { FRESHTRACK_STATE_DIR: state });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/--rollback: no deployed version recorded/);
    } finally {
      rmSync(state, { recursive: true, force: true });
    }
  });
});

describe('deploy-digitalocean.sh --dry-run', () => {
  const doEnv = { DO_DROPLET: 'freshtrack-prod', DO_DATABASE_ID: 'db-1234', FRESHTRACK_DOMAIN: 'freshtrack.example.com', HEALTH_INTERVAL_SECONDS: '1' };

  test('plans doctl preflight, managed-database config, backup, rollout, public health check, notify', async () => {
    const ready = await localServer(200);
    try {
      const r = await runScript('deploy-digitalocean.sh', ['--dry-run', '--version', '2.0.0'], { ...doEnv, HEALTH_URLS: `${ready.url}/readyz`, HEALTH_TIMEOUT_SECONDS: '10' });
      expect(r.code).toBe(0);
      expectInOrder(r.stdout, [
        /^==> plan: deploy 2\.0\.0 to Droplet freshtrack-prod with managed PostgreSQL db-1234/,
        /^would run: doctl compute droplet get freshtrack-prod/,
        /^would run: doctl databases get db-1234/,
        /^==> configure: managed database connection/,
        /^==> backup/,
        /^would run: ssh .*compose\.digitalocean\.yaml\\ run\\ --rm\\ --no-deps\\ backup\\ once$/,
        /^==> deploy: role-by-role rollout/,
        /^would run: ssh .*compose\.digitalocean\.yaml.*scripts\/deploy-selfhosted\.sh\\ --skip-backup\\ --no-notify\\ --version\\ 2\.0\.0$/,
        /^health check ok: /,
        /^would run: .*notify\.sh --environment production --version 2\.0\.0 --result success/,
      ]);
    } finally {
      await ready.close();
    }
  });

  test('a failing public health check rolls the Droplet back and notifies the failure', async () => {
    const down = await localServer(503);
    try {
      const r = await runScript('deploy-digitalocean.sh', ['--dry-run', '--version', '2.0.0'], { ...doEnv, HEALTH_URLS: `${down.url}/readyz`, HEALTH_TIMEOUT_SECONDS: '2' });
      expect(r.code).toBe(1);
      expectInOrder(r.stdout, [
        /^==> deploy: role-by-role rollout/,
        /^health check FAILED: /,
        /^==> rollback: previous version on the Droplet/,
        /^would run: ssh .*scripts\/deploy-selfhosted\.sh\\ --rollback\\ --no-notify$/,
        /^would run: .*notify\.sh .*--result failure/,
        /^==> failed/,
      ]);
    } finally {
      await down.close();
    }
  });

  test('refuses to start without the Droplet, database and domain', async () => {
    const r = await runScript('deploy-digitalocean.sh', ['--dry-run'], { DO_DROPLET: '', DO_DATABASE_ID: 'x', FRESHTRACK_DOMAIN: 'x' });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/DO_DROPLET/);
  });
});

describe('notify.sh', () => {
  test('posts one Deployment alert to the router with environment, version and result labels', async () => {
    const router = await localServer(200);
    try {
      const summary = 'Deployed "2.0.0"\nto staging\t(ok) \\ done';
      const r = await runScript('notify.sh', ['--environment', 'staging', '--version', '2.0.0', '--result', 'success', '--summary', summary], { ALERTMANAGER_URL: router.url });
      expect(r.code).toBe(0);
      expect(router.requests).toHaveLength(1);
      const [req] = router.requests;
      expect(req).toMatchObject({ method: 'POST', url: '/api/v2/alerts', contentType: 'application/json' });
      const alerts = JSON.parse(req.body);
      expect(alerts).toHaveLength(1);
      expect(alerts[0].labels).toEqual({ alertname: 'Deployment', category: 'deployment', severity: 'info', environment: 'staging', version: '2.0.0', result: 'success' });
      expect(alerts[0].annotations.summary).toBe(summary);
      const starts = Date.parse(alerts[0].startsAt);
      expect(Date.parse(alerts[0].endsAt) - starts).toBe(600_000);
      expect(Math.abs(starts - Date.now())).toBeLessThan(120_000);
    } finally {
      await router.close();
    }
  });

  test('a failure is a critical alert', async () => {
    const router = await localServer(200);
    try {
      const r = await runScript('notify.sh', ['--environment', 'production', '--version', 'abc123', '--result', 'failure'], { ALERTMANAGER_URL: router.url });
      expect(r.code).toBe(0);
      const [alert] = JSON.parse(router.requests[0].body);
      expect(alert.labels).toMatchObject({ severity: 'critical', result: 'failure', version: 'abc123', environment: 'production' });
      expect(alert.annotations.summary).toBe('Deployment of abc123 to production: failure');
    } finally {
      await router.close();
    }
  });

  test('a router that refuses the alert makes notify.sh fail loudly', async () => {
    const router = await localServer(400);
    try {
      const r = await runScript('notify.sh', ['--environment', 'production', '--version', '1', '--result', 'success'], { ALERTMANAGER_URL: router.url });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/could not deliver/);
    } finally {
      await router.close();
    }
  });

  test('bad arguments are refused naming the argument', async () => {
    const r = await runScript('notify.sh', ['--environment', 'production', '--version', '1', '--result', 'maybe'], {});
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--result must be success or failure/);
  });
});
