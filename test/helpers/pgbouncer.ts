import { chmodSync, chownSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { PROJECT_ROOT } from '../../platform/paths';
import { ADMIN_URL } from './postgres';
import { freePort, startProcess, waitFor, type RunningProcess } from './processes';

export const PGBOUNCER_BIN = process.env.PGBOUNCER_BIN ?? '/usr/sbin/pgbouncer';

export interface RunningPgBouncer {
  port: number;
  /** postgres://…/<database> through PgBouncer (transaction pooling). */
  url(database: string): string;
  /** The admin console (database "pgbouncer"), as the exporter's --pgBouncer.connectionString. */
  adminUrl: string;
  process: RunningProcess;
  stop(): Promise<void>;
}

/**
 * withOverrides rewrites `key = value` lines of docker/pgbouncer/pgbouncer.ini, so the tests
 * run the shipped configuration with only the addresses, auth and paths changed.
 */
function withOverrides(ini: string, overrides: Record<string, string>, databases: string): string {
  let out = ini.replace(/^\* = .*$/m, databases);
  for (const [key, value] of Object.entries(overrides)) {
    const line = new RegExp(`^${key}\\s*=.*$`, 'm');
    out = line.test(out) ? out.replace(line, `${key} = ${value}`) : out.replace('[pgbouncer]', `[pgbouncer]\n${key} = ${value}`);
  }
  return out;
}

/**
 * startPgBouncer runs the real PgBouncer with docker/pgbouncer/pgbouncer.ini on a free loopback
 * port in front of the test PostgreSQL. PgBouncer refuses to run as root, so under root it
 * is started with `-u postgres` (it drops privileges itself) and its temp dir is handed over.
 */
export async function startPgBouncer(overrides: Record<string, string> = {}): Promise<RunningPgBouncer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'pgbouncer-'));
  const pg = new URL(ADMIN_URL);
  const user = decodeURIComponent(pg.username || 'postgres');
  writeFileSync(join(dir, 'userlist.txt'), `"${user}" "${decodeURIComponent(pg.password)}"\n`);
  const ini = withOverrides(
    readFileSync(join(PROJECT_ROOT, 'docker', 'pgbouncer', 'pgbouncer.ini'), 'utf8'),
    {
      listen_addr: '127.0.0.1',
      listen_port: String(port),
      auth_type: pg.password ? 'md5' : 'trust',
      auth_file: join(dir, 'userlist.txt'),
      admin_users: user,
      stats_users: user,
      logfile: join(dir, 'pgbouncer.log'),
      pidfile: join(dir, 'pgbouncer.pid'),
      ...overrides,
    },
    `* = host=${pg.hostname} port=${pg.port || '5432'}`,
  );
  writeFileSync(join(dir, 'pgbouncer.ini'), ini);
  const args = [join(dir, 'pgbouncer.ini')];
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    for (const f of ['', 'userlist.txt', 'pgbouncer.ini']) chownSync(join(dir, f), uid, gid);
    chmodSync(dir, 0o700);
    args.unshift('-u', 'postgres');
  }
  const proc = startProcess(PGBOUNCER_BIN, args);
  const credentials = `${encodeURIComponent(user)}${pg.password ? `:${pg.password}` : ''}`;
  const url = (database: string) => `postgres://${credentials}@127.0.0.1:${port}/${database}`;
  await waitFor(async () => {
    if (proc.proc.exitCode !== null) throw new Error(`pgbouncer exited: ${proc.output()}`);
    const c = new Client({ connectionString: url('pgbouncer') });
    try {
      await c.connect();
      await c.query('SHOW VERSION');
      return true;
    } finally {
      await c.end().catch(() => undefined);
    }
  }, 30_000);
  let stopped = false;
  return {
    port,
    url,
    adminUrl: url('pgbouncer'),
    process: proc,
    async stop() {
      if (stopped) return;
      stopped = true;
      await proc.stop('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
