import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startFreshtrack, waitFor, type RunningProcess } from '../../../../test/helpers/processes';

/** RouterProcess is `freshtrack alerting` (the production build) on a free loopback port. */
export interface RouterProcess {
  url: string;
  proc: RunningProcess;
  /** SIGKILL: no drain, no final writes, as a crash. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

/** startRouterProcess writes the config to a temp dir and waits until /-/ready answers. */
export async function startRouterProcess(configYaml: string, databaseUrl: string, env: Record<string, string> = {}): Promise<RouterProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'router-ha-'));
  const configFile = join(dir, 'alertmanager.yml');
  writeFileSync(configFile, configYaml);
  const port = await freePort();
  const proc = startFreshtrack(['alerting', `--config.file=${configFile}`, `--web.listen-address=127.0.0.1:${port}`], {
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: 'warn',
    ...env,
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    async () => {
      if (proc.proc.exitCode !== null) throw new Error(`router exited ${proc.proc.exitCode}: ${proc.output()}`);
      return (await fetch(`${url}/-/ready`)).ok;
    },
    60_000,
    200,
  );
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  return {
    url,
    proc,
    async kill() {
      await proc.stop('SIGKILL');
      cleanup();
    },
    async stop() {
      await proc.stop();
      cleanup();
    },
  };
}

/** postAlerts posts alerts as Prometheus does and insists on 200 (a 2xx means committed). */
export async function postAlerts(url: string, alerts: { labels: Record<string, string>; annotations?: Record<string, string>; endsAt?: string }[]): Promise<void> {
  const res = await fetch(`${url}/api/v2/alerts`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(alerts) });
  if (res.status !== 200) throw new Error(`POST /api/v2/alerts: ${res.status} ${await res.text()}`);
}
