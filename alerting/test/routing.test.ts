import { parseConfig } from '../src/config/config';
import { Route } from '../src/dispatch/route';
import { parseMatchers } from '../src/matcher/parse-matchers';
import { fingerprint } from '../src/types/fingerprint';
import { labelSetString } from '../src/types/go-quote';
import { compareAlerts } from '../src/types/alert-sort';
import type { Alert } from '../src/types/alert';

const tree = (yaml: string) => new Route(parseConfig(`${yaml}\nreceivers: [{name: a}, {name: b}, {name: c}, {name: d}]`).route);

const groupKey = (r: Route, labels: Record<string, string>) => `${r.key}:${labelSetString(r.groupLabels(labels))}`;

describe('routing core', () => {
  test('fingerprint is FNV-1a over sorted labels', () => {
    expect(fingerprint({ alertname: 'good1' })).toBe('5e5773ce6868c6de');
    expect(fingerprint({})).toBe('cbf29ce484222325');
    expect(fingerprint({ b: '1', a: '2' })).toBe(fingerprint({ a: '2', b: '1' }));
  });

  test.each([
    [{ alertname: 'A' }, '{alertname="A"}'],
    [{ alertname: 'U', svc: 'a\\b' }, '{alertname="U", svc="a\\\\b"}'],
    [{ alertname: 'U', svc: 'ZWJ 👩\u200d💻 é é' }, '{alertname="U", svc="ZWJ 👩\\u200d💻 é é"}'],
    [{ alertname: 'Ω', svc: '\x00ctrl?' }, '{alertname="Ω", svc="\\x00ctrl?"}'],
    [{ q: 'say "hi"\n' }, '{q="say \\"hi\\"\\n"}'],
  ])('group labels %j quote as Go %%q', (labels, text) => {
    expect(labelSetString(labels)).toBe(text);
  });

  const nested = tree(`route:
  receiver: a
  group_by: [alertname]
  routes:
  - receiver: b
    matchers: [team="backend"]
    routes:
    - receiver: c
      group_by: [alertname, instance]
      matchers: [severity="critical"]
  - receiver: b
    continue: true
    match: {team: db, severity: critical}
  - receiver: c
    match_re: {service: cache}
  - receiver: d
    matchers: ['{env=~"prod|staging", team="web"}']
  - receiver: d
    group_by: []
    matchers: [svc="a\\\\b"]`);

  test.each([
    [{ alertname: 'A', team: 'backend', severity: 'critical', instance: 'i1' }, ['c'], ['{}/{team="backend"}/{severity="critical"}:{alertname="A", instance="i1"}']],
    [{ alertname: 'A', team: 'backend' }, ['b'], ['{}/{team="backend"}:{alertname="A"}']],
    [{ alertname: 'D1', team: 'db', severity: 'critical', service: 'cache' }, ['b', 'c'], ['{}/{severity="critical",team="db"}:{alertname="D1"}', '{}/{service=~"^(?:cache)$"}:{alertname="D1"}']],
    [{ alertname: 'M', service: 'memcache' }, ['a'], ['{}:{alertname="M"}']],
    [{ alertname: 'W', env: 'staging', team: 'web' }, ['d'], ['{}/{env=~"prod|staging",team="web"}:{alertname="W"}']],
    [{ alertname: 'U', svc: 'a\\b' }, ['d'], ['{}/{svc="a\\\\b"}:{alertname="U"}']],
  ])('%j routes to %j', (labels, receivers, keys) => {
    const routes = nested.match(labels);
    expect(routes.map((r) => r.opts.receiver)).toEqual(receivers);
    expect(routes.map((r) => groupKey(r, labels))).toEqual(keys);
  });

  test('continue keeps duplicates in route order', () => {
    const r = tree(`route:
  receiver: a
  routes:
  - {receiver: b, continue: true, matchers: [x="1"]}
  - {receiver: b, continue: true, matchers: [x=~"1|2"]}
  - {receiver: c, matchers: [x!="3"]}
  - {receiver: d}`);
    expect(r.match({ x: '1' }).map((m) => m.opts.receiver)).toEqual(['b', 'b', 'c']);
    expect(r.match({ x: '3' }).map((m) => m.opts.receiver)).toEqual(['d']);
  });

  test('every matcher operator; absent labels are ""', () => {
    const ms = (s: string) => parseMatchers(s);
    const all = (s: string, l: Record<string, string>) => ms(s).every((m) => m.matches(l[m.name]));
    expect(all('a="x"', { a: 'x' })).toBe(true);
    expect(all('a!="x"', {})).toBe(true);
    expect(all('a=~"fo"', { a: 'foo' })).toBe(false);
    expect(all('a=~"fo+"', { a: 'foo' })).toBe(true);
    expect(all('a!~"x"', {})).toBe(true);
    expect(all('{svc="brace}", env=~"st.*"}', { svc: 'brace}', env: 'stage' })).toBe(true);
    expect(ms('{svc="a,b", env=~"st.*"}').map(String)).toEqual(['svc="a,b"', 'env=~"st.*"']);
    expect(() => ms('==')).toThrow('bad matcher format: ==');
  });

  test('inheritance: timers, receiver and group_by (also from group_by: []) inherited; ... groups by all', () => {
    const r = tree(`route:
  receiver: a
  group_by: [x]
  group_wait: 1s
  routes:
  - {matchers: [k="1"], group_interval: 2s}
  - {matchers: [k="2"], group_by: []}
  - {matchers: [k="3"], group_by: ['...'], receiver: b}`);
    const [one] = r.match({ k: '1' });
    expect(one.opts).toMatchObject({ receiver: 'a', groupBy: ['x'], groupWaitMs: 1000, groupIntervalMs: 2000, repeatIntervalMs: 4 * 3600_000 });
    // Observed on Alertmanager 0.25: an empty group_by list inherits the parent's.
    expect(r.match({ k: '2' })[0].opts.groupBy).toEqual(['x']);
    const [three] = r.match({ k: '3', z: '9' });
    expect(three.groupLabels({ k: '3', z: '9' })).toEqual({ k: '3', z: '9' });
    expect(r.opts).toMatchObject({ groupWaitMs: 1000, groupIntervalMs: 300_000 });
  });

  test('groupId is equal exactly when the group labels are', () => {
    const byTwo = tree('route: {receiver: a, group_by: [a, b]}');
    const pairs: [Record<string, string>, Record<string, string>][] = [
      [{ a: '1:x', b: '' }, { a: '1', b: ':x' }],
      [{ a: '1' }, { a: '1', b: '' }],
      [{ a: '-' }, { b: '-' }],
      [{ a: 'x', b: 'y', c: '1' }, { a: 'x', b: 'y', c: '2' }],
      [{ a: '2:ab' }, { a: '2:a', b: 'b' }],
    ];
    for (const [x, y] of pairs) {
      const sameLabels = labelSetString(byTwo.groupLabels(x)) === labelSetString(byTwo.groupLabels(y));
      expect(byTwo.groupId(x) === byTwo.groupId(y)).toBe(sameLabels);
    }
    const all = tree('route: {receiver: a, group_by: [...]}');
    expect(all.groupId({ a: '1', b: '2' })).toBe(all.groupId({ b: '2', a: '1' }));
    expect(all.groupId({ a: '1', b: '2' })).not.toBe(all.groupId({ a: '1' }));
  });

  test('alerts sort by job, then instance, then label set', () => {
    const mk = (labels: Record<string, string>) => ({ labels }) as Alert;
    const sorted = [mk({ a: '1' }), mk({ job: 'b' }), mk({ instance: 'x' }), mk({ job: 'a', instance: 'z' }), mk({ job: 'a', instance: 'y' })].sort(compareAlerts);
    expect(sorted.map((a) => a.labels)).toEqual([{ job: 'a', instance: 'y' }, { job: 'a', instance: 'z' }, { job: 'b' }, { instance: 'x' }, { a: '1' }]);
  });
});
