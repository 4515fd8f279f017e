/**
 * amtool (Debian's, 0.25) against the real Alertmanager and against ours: the same commands
 * must print the same thing (timestamps and ids normalised). `freshtrack routes test` is
 * compared with `amtool config routes test` on the same file.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../platform/paths';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/postgres';
import { startOurRouter, startRealAlertmanager, type RunningRouter } from './support/routers';

const CONFIG = `
route:
  receiver: default
  group_by: ['...']
  group_wait: 1h
  routes:
  - receiver: team-x
    matchers: ['team="x"', 'env=~"prod|staging"']
    continue: true
  - receiver: team-x
    match: {severity: "y"}
    mute_time_intervals: ["off"]
    continue: true
  - receiver: api
    match_re: {service: 'api|web'}
    routes:
    - {receiver: default, matchers: ['instance!~"i-.*"']}
receivers:
- name: default
  webhook_configs:
  - url: http://127.0.0.1:9/default
    http_config: {basic_auth: {username: u, password: secret-pw}}
- name: team-x
- name: api
inhibit_rules:
- source_matchers: [severity="critical"]
  target_match: {severity: warning}
  equal: [cluster]
time_intervals:
- name: "off"
  time_intervals:
  - times: [{start_time: "09:00", end_time: "17:30"}]
    weekdays: ['Monday:friday', saturday]
    days_of_month: ['1:5', '-3:-1']
    months: ['january:march', '12']
    years: ['2020:2022']
    location: Europe/London
`;

interface Run {
  code: number;
  out: string;
  stderr: string;
}

function run(cmd: string, args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: 30_000 }, (err, stdout, stderr) => {
      const code = err ? ((err as NodeJS.ErrnoException & { code?: number }).code as unknown as number) ?? 1 : 0;
      resolve({ code: typeof code === 'number' ? code : 1, out: stdout, stderr });
    });
  });
}

const amtool = (r: RunningRouter, ...args: string[]) => run('/usr/bin/amtool', [`--alertmanager.url=${r.url}`, ...args]);
const normalise = (s: string) =>
  s
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<id>')
    .replace(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC/g, '<time>');

describe('amtool against the real Alertmanager and freshtrack alerting', () => {
  let db: TestDatabase;
  let routers: RunningRouter[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    routers = await Promise.all([startRealAlertmanager(CONFIG), startOurRouter(CONFIG, db.url)]);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(routers.map((r) => r.stop()));
    await db?.drop();
  });

  const both = async (...args: string[]) => Promise.all(routers.map((r) => amtool(r, ...args)));

  test('config show prints the same re-marshalled config (secrets hidden)', async () => {
    const [real, ours] = await both('config', 'show');
    expect(real.code).toBe(0);
    expect(ours).toEqual(real);
    expect(ours.out).toContain('password: <secret>');
  });

  test('config routes show prints the same tree', async () => {
    const [real, ours] = await both('config', 'routes', 'show');
    expect(real.out).toContain('service=~"^(?:api|web)$"');
    expect(ours).toEqual(real);
  });

  test('alert add then alert query (plain and with silenced shown)', async () => {
    for (const r of routers) {
      expect((await amtool(r, 'alert', 'add', 'DiskFull', 'severity=warning', 'cluster=c1', '--annotation=summary=disk is full')).code).toBe(0);
      expect((await amtool(r, 'alert', 'add', 'alertname=Down', 'severity=critical', 'cluster=c1')).code).toBe(0);
      expect((await amtool(r, 'alert', 'add', 'alertname=Other', 'team=x', 'env=prod')).code).toBe(0);
    }
    for (const args of [['alert', 'query'], ['alert', 'query', '-i'], ['alert', 'query', 'alertname=~"D.*"'], ['alert', 'query', '-o', 'json']]) {
      const [real, ours] = await both(...args);
      expect(real.code).toBe(0);
      if (args.includes('json')) {
        const strip = (out: string) => (JSON.parse(out) as Record<string, unknown>[]).map((a) => ({ ...a, startsAt: 0, endsAt: 0, updatedAt: 0 }));
        expect(strip(ours.out)).toEqual(strip(real.out));
      } else expect(normalise(ours.out)).toEqual(normalise(real.out));
    }
    const [, ours] = await both('alert', 'query', '-i');
    expect(ours.out).toContain('DiskFull');
  });

  test('silence add / query / expire', async () => {
    const ids: string[] = [];
    for (const r of routers) {
      const added = await amtool(r, 'silence', 'add', 'alertname=Other', '--comment=maintenance', '--author=tester', '--duration=2h');
      expect(added.code).toBe(0);
      ids.push(added.out.trim());
      expect(added.out.trim()).toMatch(/^[0-9a-f-]{36}$/);
    }
    const noComment = await both('silence', 'add', 'alertname=Other');
    expect(noComment[1]).toEqual(noComment[0]);
    expect(noComment[0].stderr).toContain('comment required');
    for (const args of [['silence', 'query'], ['silence', 'query', 'alertname=Other'], ['alert', 'query'], ['alert', 'query', '-s']]) {
      const [real, ours] = await both(...args);
      expect(normalise(ours.out)).toEqual(normalise(real.out));
    }
    const expired = await Promise.all(routers.map((r, i) => amtool(r, 'silence', 'expire', ids[i])));
    expect(expired.map((e) => e.code)).toEqual([0, 0]);
    for (const args of [['silence', 'query'], ['silence', 'query', '--expired']]) {
      const [real, ours] = await both(...args);
      expect(normalise(ours.out)).toEqual(normalise(real.out));
    }
    const again = await Promise.all(routers.map((r, i) => amtool(r, 'silence', 'expire', ids[i])));
    expect(normalise(again[1].out + again[1].stderr)).toEqual(normalise(again[0].out + again[0].stderr));
    expect(again[1].code).toBe(again[0].code);
  });

  test.each([
    [['team=x', 'env=prod', 'severity=y']],
    [['service=web', 'instance=db1']],
    [['service=web', 'instance=i-1']],
    [['service=memcache']],
    [['DiskFull']],
  ])('freshtrack routes test %j prints what amtool config routes test prints', async (labels) => {
    const file = routers[0].configFile;
    const real = await run('/usr/bin/amtool', ['config', 'routes', 'test', `--config.file=${file}`, ...labels]);
    const ours = await run(process.execPath, [join(PROJECT_ROOT, 'bin', 'freshtrack.js'), 'routes', 'test', `--config.file=${file}`, ...labels]);
    expect({ code: ours.code, out: ours.out }).toEqual({ code: real.code, out: real.out });
  });

  test.each([
    [['team=x', 'env=prod', 'severity=y']],
    [['service=web', 'instance=db1']],
    [['service=memcache']],
  ])('freshtrack routes test --tree %j draws what amtool config routes test --tree draws', async (labels) => {
    const file = routers[0].configFile;
    const real = await run('/usr/bin/amtool', ['config', 'routes', 'test', '--tree', `--config.file=${file}`, ...labels]);
    const ours = await run(process.execPath, [join(PROJECT_ROOT, 'bin', 'freshtrack.js'), 'routes', 'test', '--tree', `--config.file=${file}`, ...labels]);
    expect(real.out).toMatch(/^Matching routes:\n\.\n└── default-route/);
    expect({ code: ours.code, out: ours.out }).toEqual({ code: real.code, out: real.out });
  });

  test('routes test --verify.receivers exits like amtool', async () => {
    const file = routers[0].configFile;
    for (const expected of ['team-x,team-x', 'default']) {
      const args = ['routes', 'test', `--config.file=${file}`, `--verify.receivers=${expected}`, 'team=x', 'env=prod', 'severity=y'];
      const real = await run('/usr/bin/amtool', ['config', ...args]);
      const ours = await run(process.execPath, [join(PROJECT_ROOT, 'bin', 'freshtrack.js'), ...args]);
      expect({ code: ours.code, out: ours.out }).toEqual({ code: real.code, out: real.out });
    }
  });
});
