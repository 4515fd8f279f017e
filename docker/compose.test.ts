import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { PROJECT_ROOT } from '../platform/paths';
import { imageViolations, productionViolations, secretViolations, type ComposeModel } from './compose-invariants';

/**
 * No Docker engine runs in CI: Debian's docker-compose (v1.29, Compose-spec aware) resolves
 * and validates the files, and the invariants are checked on its resolved model.
 */
const run = promisify(execFile);
const DOCKER = join(PROJECT_ROOT, 'docker');
const ENV = {
  ...process.env,
  FRESHTRACK_DOMAIN: 'freshtrack.example.com',
  ACME_EMAIL: 'ops@example.com',
  FRESHTRACK_VERSION: '1.2.3',
  // What scripts/deploy-digitalocean.sh writes into docker/.env on the Droplet.
  FRESHTRACK_RECORDS_DB_ADDRESS: 'db-postgresql-fra1-1234.db.ondigitalocean.com:25060',
  FRESHTRACK_RECORDS_DB_NAME: 'defaultdb',
};

async function composeConfig(...files: string[]): Promise<ComposeModel> {
  const args = files.flatMap((f) => ['-f', f]);
  try {
    const { stdout } = await run('docker-compose', ['--project-directory', DOCKER, ...args, 'config'], { cwd: DOCKER, env: ENV });
    return parse(stdout) as ComposeModel;
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`docker-compose ${args.join(' ')} config failed: ${e.stderr ?? e.message}`);
  }
}

const ROLES = ['ingest', 'control-plane', 'alerting', 'exporters'];

/** Production TypeScript sources under a directory (tests and test helpers excluded). */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'test' || e.name === 'testing' ? [] : sourceFiles(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('docker compose files', () => {
  let base: ComposeModel;
  let prod: ComposeModel;
  let digitalocean: ComposeModel;
  beforeAll(async () => {
    [base, prod, digitalocean] = await Promise.all([
      composeConfig('compose.yaml'),
      composeConfig('compose.yaml', 'compose.prod.yaml'),
      composeConfig('compose.yaml', 'compose.prod.yaml', 'compose.digitalocean.yaml'),
    ]);
  });

  test('the base stack has PostgreSQL, PgBouncer, every role, scheduled backups, Prometheus, Grafana, Loki with a log shipper, Tempo', () => {
    expect(Object.keys(base.services).sort()).toEqual(
      ['alerting', 'backup', 'control-plane', 'exporters', 'grafana', 'ingest', 'loki', 'pgbouncer', 'postgres', 'prometheus', 'promtail', 'tempo'].sort(),
    );
    for (const role of ROLES) expect(base.services[role].image).toBe('freshtrack-ops:1.2.3');
  });

  test('production adds Caddy for TLS and passes every invariant', () => {
    expect(Object.keys(prod.services)).toContain('caddy');
    expect(productionViolations(prod)).toEqual([]);
    expect(secretViolations(prod)).toEqual([]);
    expect(imageViolations(prod)).toEqual([]);
  });

  test('the DigitalOcean variant keeps the invariants and leaves the local PostgreSQL out', async () => {
    expect(digitalocean.services.postgres.profiles).toEqual(['local-postgres']);
    const running = { services: Object.fromEntries(Object.entries(digitalocean.services).filter(([, s]) => !s.profiles)) };
    expect(Object.keys(running.services)).not.toContain('postgres');
    expect(productionViolations(running)).toEqual([]);
    expect(secretViolations(digitalocean)).toEqual([]);
  });

  test("Grafana's records datasource reads the local postgres service, or on DigitalOcean the managed cluster over TLS", () => {
    const records = (model: ComposeModel) => {
      const env = model.services.grafana.environment as Record<string, string>;
      return { address: env.FRESHTRACK_RECORDS_DB_ADDRESS, database: env.FRESHTRACK_RECORDS_DB_NAME, sslmode: env.FRESHTRACK_RECORDS_DB_SSLMODE };
    };
    expect(records(base)).toEqual({ address: 'postgres:5432', database: 'freshtrack', sslmode: 'disable' });
    expect(records(digitalocean)).toEqual({ address: ENV.FRESHTRACK_RECORDS_DB_ADDRESS, database: 'defaultdb', sslmode: 'require' });
  });

  test('the DigitalOcean variant refuses to resolve without the managed cluster for Grafana', async () => {
    const { FRESHTRACK_RECORDS_DB_ADDRESS: _address, ...withoutAddress } = ENV;
    const args = ['--project-directory', DOCKER, '-f', 'compose.yaml', '-f', 'compose.prod.yaml', '-f', 'compose.digitalocean.yaml', 'config'];
    await expect(run('docker-compose', args, { cwd: DOCKER, env: withoutAddress })).rejects.toMatchObject({ stderr: expect.stringContaining('host:port of the managed PostgreSQL cluster') });
  });

  test('no secret in any environment value of any file, and every image pinned', () => {
    expect(secretViolations(base)).toEqual([]);
    expect(imageViolations(base)).toEqual([]);
    const prodSecrets = (parse(readFileSync(join(DOCKER, 'compose.prod.yaml'), 'utf8')).secrets ?? {}) as Record<string, { file: string }>;
    for (const s of Object.values(prodSecrets)) expect(s.file).toMatch(/^\$\{FRESHTRACK_SECRETS_DIR:-\/etc\/freshtrack\/secrets\}\//);
  });

  test('the invariant checks catch a violating overlay', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'compose-bad-'));
    try {
      writeFileSync(
        join(dir, 'bad.yaml'),
        [
          'services:',
          '  ingest:',
          '    restart: "no"',
          '    environment:',
          '      DATABASE_URL: postgres://freshtrack:hunter2@pgbouncer:6432/freshtrack',
          '  sidecar:',
          '    image: busybox:latest',
          '',
        ].join('\n'),
      );
      const bad = await composeConfig('compose.yaml', 'compose.prod.yaml', join(dir, 'bad.yaml'));
      expect(secretViolations(bad)).toEqual(
        expect.arrayContaining([expect.stringContaining('ingest: environment DATABASE_URL looks like a secret'), expect.stringContaining('credential in its value')]),
      );
      expect(imageViolations(bad)).toEqual(['sidecar: image busybox:latest is not pinned to a version']);
      expect(productionViolations(bad)).toEqual(
        expect.arrayContaining(['ingest: no restart policy', 'sidecar: no healthcheck', 'sidecar: no memory limit', expect.stringContaining('sidecar: logs are not rotated')]),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('backup service', () => {
  test('backup-runner.sh is shellcheck-clean and runs with set -euo pipefail', async () => {
    const script = join(DOCKER, 'backup', 'backup-runner.sh');
    const { stdout } = await run('shellcheck', ['-f', 'gcc', script]).catch((e: { stdout: string }) => ({ stdout: e.stdout }));
    expect(stdout).toBe('');
    expect(readFileSync(script, 'utf8')).toMatch(/^set -euo pipefail$/m);
  });
});

describe('image build', () => {
  const dockerfile = readFileSync(join(DOCKER, 'Dockerfile'), 'utf8');
  const dockerignore = readFileSync(join(PROJECT_ROOT, '.dockerignore'), 'utf8').split('\n');
  const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));

  test('the Dockerfile is multi-stage, installs production dependencies only, runs as non-root with a healthcheck', () => {
    expect(dockerfile.match(/^FROM /gm)!.length).toBeGreaterThanOrEqual(3);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    expect(runtime).not.toMatch(/npm ci(?! --omit=dev)/);
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toMatch(/^HEALTHCHECK /m);
    expect(runtime).not.toMatch(/COPY \. /);
  });

  test('the runtime image carries every file the roles read from the project root', () => {
    // scripts/ is left out on purpose: backups run in the `backup` service (pg_dump, jq).
    const roots = ['platform', 'cli', 'ingest', 'control-plane', 'alerting', 'exporters'];
    const sources = roots.flatMap((r) => sourceFiles(join(PROJECT_ROOT, r))).map((f) => readFileSync(f, 'utf8'));
    const paths = new Set(
      sources.flatMap((src) => [...src.matchAll(/join\(PROJECT_ROOT((?:, '[\w.-]+')+)/g)].map((m) => [...m[1].matchAll(/'([\w.-]+)'/g)].map((p) => p[1]).join('/'))),
    );
    // What lands in /app: the source path, or for a copy from another stage its destination.
    const copied = [...runtime.matchAll(/^COPY ((?:--\S+ )*)(\S+) (\S+)$/gm)].map((m) => (/--from=/.test(m[1]) ? m[3].replace(/^\.\//, '') : m[2]));
    const needed = [...paths].filter((p) => !/^(scripts|bin)(\/|$)/.test(p));
    expect(needed).toEqual(expect.arrayContaining(['migrations', 'alerting/config/default.yml']));
    for (const p of needed) expect({ path: p, copied: copied.some((c) => p === c || p.startsWith(`${c}/`)) }).toEqual({ path: p, copied: true });
    expect(copied).toContain('bin');
  });

  test('.dockerignore keeps secrets, local state and dependencies out of the build context', () => {
    for (const pattern of ['.env', '**/secrets', '.data', 'node_modules', '**/*.key', '**/userlist.txt']) expect(dockerignore).toContain(pattern);
  });
});
