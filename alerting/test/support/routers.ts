import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/postgres';
import { freePort, startFreshtrack, startProcess, waitFor, type RunningProcess } from '../../../test/helpers/processes';
import { startWebhookSink, type WebhookSink } from '../../../test/helpers/webhook-sink';

export const ALERTMANAGER_BIN = '/usr/bin/prometheus-alertmanager';

/** RunningRouter is a started Alertmanager-compatible process (the real one or ours). */
export interface RunningRouter {
  name: 'alertmanager' | 'freshtrack';
  url: string;
  proc: RunningProcess;
  configFile: string;
  stop(): Promise<void>;
}

async function ready(url: string, proc: RunningProcess): Promise<void> {
  await waitFor(
    async () => {
      if (proc.proc.exitCode !== null) throw new Error(`exited ${proc.proc.exitCode}: ${proc.output()}`);
      const res = await fetch(`${url}/-/ready`);
      return res.ok;
    },
    60_000,
    200,
  );
}

/** startRealAlertmanager runs Debian's Alertmanager 0.25 on a free loopback port with HA off. */
export async function startRealAlertmanager(configYaml: string): Promise<RunningRouter> {
  const dir = mkdtempSync(join(tmpdir(), 'am-real-'));
  const configFile = join(dir, 'alertmanager.yml');
  writeFileSync(configFile, configYaml);
  const port = await freePort();
  const proc = startProcess(ALERTMANAGER_BIN, [`--config.file=${configFile}`, `--web.listen-address=127.0.0.1:${port}`, `--storage.path=${join(dir, 'data')}`, '--cluster.listen-address=']);
  const url = `http://127.0.0.1:${port}`;
  await ready(url, proc);
  return {
    name: 'alertmanager',
    url,
    proc,
    configFile,
    async stop() {
      await proc.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** startOurRouter runs `freshtrack alerting` (the production build) with the same flags. */
export async function startOurRouter(configYaml: string, databaseUrl: string, extraArgs: string[] = []): Promise<RunningRouter> {
  const dir = mkdtempSync(join(tmpdir(), 'am-ours-'));
  const configFile = join(dir, 'alertmanager.yml');
  writeFileSync(configFile, configYaml);
  const port = await freePort();
  const proc = startFreshtrack(
    ['alerting', `--config.file=${configFile}`, `--web.listen-address=127.0.0.1:${port}`, `--storage.path=${join(dir, 'data')}`, '--cluster.listen-address=', ...extraArgs],
    { DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' },
  );
  const url = `http://127.0.0.1:${port}`;
  const prefix = extraArgs.find((a) => a.startsWith('--web.route-prefix='))?.split('=')[1] ?? '';
  await ready(`${url}${prefix}`, proc);
  return {
    name: 'freshtrack',
    url,
    proc,
    configFile,
    async stop() {
      await proc.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** postJson posts a JSON body and returns status and text. */
export async function postJson(url: string, body: unknown, method = 'POST'): Promise<{ status: number; text: string; contentType: string | null }> {
  const res = await fetch(url, { method, headers: { 'Content-Type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: res.status, text: await res.text(), contentType: res.headers.get('content-type') };
}

/**
 * routersSideBySide registers jest hooks that start the real Alertmanager and ours on the same
 * config (ours on a database of its own) before the file's tests, and stop both after them.
 * Read `real` and `ours` inside tests or later hooks.
 */
export function routersSideBySide(configYaml: string): { real: RunningRouter; ours: RunningRouter } {
  const routers = {} as { real: RunningRouter; ours: RunningRouter };
  let db: TestDatabase | undefined;
  beforeAll(async () => {
    db = await createTestDatabase();
    [routers.real, routers.ours] = await Promise.all([startRealAlertmanager(configYaml), startOurRouter(configYaml, db.url)]);
  }, 90_000);
  afterAll(async () => {
    await Promise.all([routers.real?.stop(), routers.ours?.stop()]);
    await db?.drop();
  });
  return routers;
}

/**
 * routersWithSinks registers jest hooks that start a webhook sink for each router, then the
 * real Alertmanager and ours on `config(sinkUrl)` (ours on a database of its own) before the
 * file's tests, and stop everything after them. `routers` and `sinks` are [real, ours]; they
 * are filled before the file's tests and its own `beforeAll` hooks run.
 */
export function routersWithSinks(config: (sinkUrl: string) => string): { routers: RunningRouter[]; sinks: WebhookSink[] } {
  const routers: RunningRouter[] = [];
  const sinks: WebhookSink[] = [];
  let db: TestDatabase | undefined;
  beforeAll(async () => {
    db = await createTestDatabase();
    sinks.push(await startWebhookSink(), await startWebhookSink());
    routers.push(...(await Promise.all([startRealAlertmanager(config(sinks[0].url)), startOurRouter(config(sinks[1].url), db.url)])));
  }, 120_000);
  afterAll(async () => {
    await Promise.all(routers.map((r) => r.stop()));
    await Promise.all(sinks.map((s) => s.close()));
    await db?.drop();
  });
  return { routers, sinks };
}
