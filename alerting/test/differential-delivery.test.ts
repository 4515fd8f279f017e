/**
 * Differential test: the real Alertmanager 0.25 and our router run the same config, get the
 * same alerts and silences, and must deliver the same webhooks (timestamps and externalURL
 * normalised). One config covers every case; the `case` label keeps them apart.
 */
import { waitFor } from '../../test/helpers/processes';
import type { SinkRequest } from '../../test/helpers/webhook-sink';
import { postJson, routersWithSinks, type RunningRouter } from './support/routers';

const CONFIG = (sink: string) => `
route:
  receiver: default
  group_by: [alertname]
  group_wait: 2s
  group_interval: 2s
  repeat_interval: 1h
  routes:
  - matchers: [case="nested"]
    receiver: nested
    routes:
    - matchers: [team="backend"]
      receiver: backend
      routes:
      - matchers: [severity="critical"]
        receiver: critical
        group_by: [alertname, instance]
    - matchers: [team="db"]
      receiver: db
      continue: true
    - matchers: ['team=~"db|web"']
      receiver: dbweb
  - matchers: [case="ops"]
    receiver: ops-none
    group_by: [alertname, n]
    routes:
    - {matchers: [v="x"], receiver: op-eq, continue: true}
    - {matchers: [v!="x"], receiver: op-neq, continue: true}
    - {matchers: ['v=~"x|y"'], receiver: op-re, continue: true}
    - {matchers: ['v!~"x|y"'], receiver: op-nre, continue: true}
    - {match_re: {v: "z.*"}, receiver: op-matchre, continue: true}
    - {match: {v: "y"}, receiver: op-match, continue: true}
  - {matchers: [case="gb-labels"], receiver: gb-labels, group_by: [alertname, g]}
  - {matchers: [case="gb-all"], receiver: gb-all, group_by: ['...']}
  - {matchers: [case="gb-none"], receiver: gb-none, group_by: []}
  - {matchers: [case="repeat"], receiver: repeat, repeat_interval: 3s}
  - {matchers: [case="resolved-on"], receiver: resolved-on}
  - {matchers: [case="resolved-off"], receiver: resolved-off}
  - {matchers: [case="inhibit"], receiver: inhibit, group_by: [alertname, cluster, severity]}
  - {matchers: [case="silence"], receiver: silence, group_by: [alertname, s]}
  - {matchers: [case="ti-mute-always"], receiver: ti-mute-always, mute_time_intervals: [always]}
  - {matchers: [case="ti-mute-never"], receiver: ti-mute-never, mute_time_intervals: [never]}
  - {matchers: [case="ti-active-always"], receiver: ti-active-always, active_time_intervals: [always]}
  - {matchers: [case="ti-active-never"], receiver: ti-active-never, active_time_intervals: [never]}
  - {matchers: [case="max"], receiver: max}
  - {matchers: [case="auth"], receiver: auth}
inhibit_rules:
- source_matchers: [case="inhibit", severity="critical"]
  target_matchers: [case="inhibit", severity="warning"]
  equal: [cluster]
time_intervals:
- name: always
  time_intervals:
  - weekdays: ['sunday:saturday']
- name: never
  time_intervals:
  - years: ['2001']
receivers:
${[
  'default',
  'nested',
  'backend',
  'critical',
  'db',
  'dbweb',
  'ops-none',
  'op-eq',
  'op-neq',
  'op-re',
  'op-nre',
  'op-matchre',
  'op-match',
  'gb-labels',
  'gb-all',
  'gb-none',
  'repeat',
  'resolved-on',
  'inhibit',
  'silence',
  'ti-mute-always',
  'ti-mute-never',
  'ti-active-always',
  'ti-active-never',
]
  .map((r) => `- name: ${r}\n  webhook_configs: [{url: "${sink}/${r}"}]`)
  .join('\n')}
- name: resolved-off
  webhook_configs: [{url: "${sink}/resolved-off", send_resolved: false}]
- name: max
  webhook_configs: [{url: "${sink}/max", max_alerts: 2}]
- name: auth
  webhook_configs:
  - {url: "${sink}/basic", http_config: {basic_auth: {username: user, password: pw}}}
  - {url: "${sink}/bearer", http_config: {authorization: {credentials: tok3n}}}
`;

const a = (labels: Record<string, string>, extra: Record<string, unknown> = {}) => ({ labels, annotations: { summary: `about ${labels.alertname}` }, ...extra });

const FIRST_BATCH = [
  a({ alertname: 'N1', case: 'nested', team: 'backend', severity: 'critical', instance: 'i1' }),
  a({ alertname: 'N1', case: 'nested', team: 'backend', severity: 'critical', instance: 'i2' }),
  a({ alertname: 'N2', case: 'nested', team: 'backend' }),
  a({ alertname: 'N3', case: 'nested', team: 'db' }),
  a({ alertname: 'N4', case: 'nested', team: 'web' }),
  a({ alertname: 'N5', case: 'nested', team: 'other' }),
  ...['x', 'y', 'zz', 'fo', ''].map((v, n) => a({ alertname: 'O', case: 'ops', n: String(n), v })),
  ...['1', '1', '2'].map((g, i) => a({ alertname: 'G', case: 'gb-labels', g, i: String(i) })),
  ...['1', '2'].map((g) => a({ alertname: 'G', case: 'gb-all', g })),
  ...['A', 'B'].map((alertname) => a({ alertname, case: 'gb-none' })),
  a({ alertname: 'R', case: 'repeat' }),
  a({ alertname: 'S', case: 'resolved-on' }),
  a({ alertname: 'S', case: 'resolved-off' }),
  a({ alertname: 'I', case: 'inhibit', severity: 'critical', cluster: 'a' }),
  a({ alertname: 'I', case: 'inhibit', severity: 'warning', cluster: 'a' }),
  a({ alertname: 'I', case: 'inhibit', severity: 'warning', cluster: 'b' }),
  ...['1', '2', '3'].map((s) => a({ alertname: 'Q', case: 'silence', s })),
  ...['ti-mute-always', 'ti-mute-never', 'ti-active-always', 'ti-active-never'].map((c) => a({ alertname: 'T', case: c })),
  ...[
    { job: 'b', instance: '1' } as Record<string, string>,
    { job: 'a', instance: '2' },
    { job: 'a', instance: '1' },
    { instance: '0' },
  ].map((l) => a({ alertname: 'M', case: 'max', ...l })),
  a({ alertname: 'Auth', case: 'auth' }),
];
/** Posted 300 ms later: group_wait (2 s, generous for a loaded machine) must batch it with the first alert of its group. */
const SECOND_BATCH = [a({ alertname: 'N2', case: 'nested', team: 'backend', late: 'yes' })];

interface Normalised {
  path: string;
  groupKey: string;
  body: Record<string, unknown>;
}

function normalise(r: SinkRequest): Normalised {
  const body = { ...(r.body as Record<string, unknown>) };
  delete body.externalURL;
  body.alerts = (body.alerts as Record<string, unknown>[]).map((al) => ({ ...al, startsAt: '<t>', endsAt: al.endsAt === '0001-01-01T00:00:00Z' ? '<zero>' : '<t>' }));
  return { path: r.path, groupKey: body.groupKey as string, body };
}

/** byGroup: path → groupKey → deliveries in arrival order. */
function byGroup(requests: SinkRequest[], limitPerGroup: Record<string, number>): Record<string, Record<string, unknown>[]> {
  const out: Record<string, Record<string, unknown>[]> = {};
  for (const n of requests.map(normalise)) {
    const key = `${n.path} ${n.groupKey}`;
    (out[key] ??= []).push(n.body);
  }
  for (const [key, list] of Object.entries(out)) {
    const limit = limitPerGroup[key.split(' ')[0]];
    if (limit !== undefined) out[key] = list.slice(0, limit);
  }
  return out;
}

describe('deliveries: real Alertmanager vs freshtrack alerting', () => {
  const { routers, sinks } = routersWithSinks(CONFIG);

  beforeAll(async () => {
    // Silences first: s=1 active, s=3 created then expired.
    for (const r of routers) {
      const matcher = (s: string) => [{ name: 's', value: s, isRegex: false, isEqual: true }];
      const window = { startsAt: new Date().toISOString(), endsAt: new Date(Date.now() + 3600_000).toISOString(), createdBy: 'test', comment: 'diff' };
      expect((await postJson(`${r.url}/api/v2/silences`, { ...window, matchers: matcher('1') })).status).toBe(200);
      const expired = JSON.parse((await postJson(`${r.url}/api/v2/silences`, { ...window, matchers: matcher('3') })).text) as { silenceID: string };
      expect((await fetch(`${r.url}/api/v2/silence/${expired.silenceID}`, { method: 'DELETE' })).status).toBe(200);
    }
    await Promise.all(routers.map((r) => postJson(`${r.url}/api/v2/alerts`, FIRST_BATCH)));
    await new Promise((r) => setTimeout(r, 300));
    await Promise.all(routers.map((r) => postJson(`${r.url}/api/v2/alerts`, SECOND_BATCH)));
    // After the first flush (~2 s) resolve the send_resolved cases.
    await waitFor(async () => sinks.every((s) => s.at('/resolved-on').length >= 1 && s.at('/resolved-off').length >= 1), 20_000);
    const resolved = ['resolved-on', 'resolved-off'].map((c) => a({ alertname: 'S', case: c }, { endsAt: new Date().toISOString() }));
    await Promise.all(routers.map((r) => postJson(`${r.url}/api/v2/alerts`, resolved)));
    // repeat (interval 2 s, repeat 3 s) sends at ~2, 6, 10 s; wait for its second send and the resolved one.
    await waitFor(async () => sinks.every((s) => s.at('/repeat').length >= 2 && s.at('/resolved-on').length >= 2), 30_000);
    await new Promise((r) => setTimeout(r, 1500));
  }, 120_000);

  const [real, ours] = [() => byGroup(sinks[0].requests, { '/repeat': 2 }), () => byGroup(sinks[1].requests, { '/repeat': 2 })];
  const forPath = (groups: Record<string, Record<string, unknown>[]>, path: string) => Object.fromEntries(Object.entries(groups).filter(([k]) => k.startsWith(`${path} `)));

  test.each([
    ['nested routes and continue', ['/nested', '/backend', '/critical', '/db', '/dbweb', '/default']],
    ['every matcher operator', ['/ops-none', '/op-eq', '/op-neq', '/op-re', '/op-nre', '/op-matchre', '/op-match']],
    ["group_by labels / '...' / none", ['/gb-labels', '/gb-all', '/gb-none']],
    ['repeat_interval', ['/repeat']],
    ['send_resolved on and off', ['/resolved-on', '/resolved-off']],
    ['inhibition with equal', ['/inhibit']],
    ['API-created and expired silences', ['/silence']],
    ['always/never-active time intervals', ['/ti-mute-always', '/ti-mute-never', '/ti-active-always', '/ti-active-never']],
    ['max_alerts', ['/max']],
    ['two integrations of one receiver (basic and bearer auth)', ['/basic', '/bearer']],
  ])('%s', (_name, paths) => {
    for (const path of paths) expect({ path, groups: forPath(ours(), path) }).toEqual({ path, groups: forPath(real(), path) });
  });

  test('the comparison is not vacuous: the real Alertmanager delivered the cases that must notify', () => {
    const realGroups = real();
    for (const path of ['/critical', '/backend', '/db', '/dbweb', '/op-eq', '/op-nre', '/gb-none', '/inhibit', '/silence', '/ti-mute-never', '/ti-active-always', '/max']) {
      expect(Object.keys(forPath(realGroups, path)).length).toBeGreaterThan(0);
    }
    expect(Object.keys(forPath(realGroups, '/ti-mute-always'))).toEqual([]);
    expect(Object.keys(forPath(realGroups, '/ti-active-never'))).toEqual([]);
  });

  test('http_config basic and bearer auth send the same Authorization headers', () => {
    for (const path of ['/basic', '/bearer']) {
      const [r, o] = [sinks[0].at(path)[0], sinks[1].at(path)[0]];
      expect(o.headers.authorization).toBe(r.headers.authorization);
    }
    expect(sinks[1].at('/basic')[0].headers.authorization).toBe(`Basic ${Buffer.from('user:pw').toString('base64')}`);
    expect(sinks[1].at('/bearer')[0].headers.authorization).toBe('Bearer tok3n');
  });

  const apiGet = async (r: RunningRouter, path: string) => {
    const res = await fetch(`${r.url}${path}`);
    const text = (await res.text())
      .replace(/"(startsAt|endsAt|updatedAt)":"[^"]+"/g, '"$1":"<t>"')
      .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<id>');
    return { status: res.status, type: res.headers.get('content-type'), text };
  };

  test.each([
    ['/api/v2/alerts'],
    ['/api/v2/alerts?silenced=false&inhibited=false'],
    ['/api/v2/alerts?active=false'],
    ['/api/v2/alerts?receiver=op-.*'],
    ['/api/v2/alerts?receiver=op'],
    ['/api/v2/alerts?filter=case%3D~%22gb-.%2A%22&filter=g!%3D%222%22'],
    ['/api/v2/alerts/groups'],
    ['/api/v2/alerts/groups?receiver=db.*'],
    ['/api/v2/silences'],
    ['/api/v2/silences?filter=s%3D%221%22'],
    ['/api/v2/receivers'],
  ])('GET %s answers the same JSON', async (path) => {
    const [r, o] = await Promise.all(routers.map((x) => apiGet(x, path)));
    expect(r.status).toBe(200);
    expect(o).toEqual(r);
  });

  test('webhook headers and payload framing match', () => {
    const [r, o] = [sinks[0].at('/max')[0], sinks[1].at('/max')[0]];
    expect(o.headers['user-agent']).toBe(r.headers['user-agent']);
    expect(o.headers['content-type']).toBe(r.headers['content-type']);
    expect(Object.keys(o.body as object)).toEqual(Object.keys(r.body as object));
    expect(o.raw.endsWith('\n')).toBe(r.raw.endsWith('\n'));
  });
});
