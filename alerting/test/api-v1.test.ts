/**
 * Alertmanager 0.25's deprecated API v1, the part senders and old dashboards use (Prometheus
 * before 2.26 and Loki's ruler post to /api/v1/alerts by default): every request goes to the
 * real Alertmanager and to ours, and status, Content-Type and body must be identical.
 */
import { routersSideBySide, type RunningRouter } from './support/routers';

const CONFIG = `
route:
  receiver: r
  group_by: [alertname]
  routes:
  - {receiver: r2, matchers: [team="b"], continue: true}
receivers: [{name: r}, {name: r2}]
inhibit_rules:
- {source_matchers: [severity="critical"], target_matchers: [severity="warning"], equal: [cluster]}
`;

const PAST = '2026-01-01T00:00:00Z';
const FUTURE = '2099-01-01T00:00:00Z';

interface Answer {
  status: number;
  contentType: string | null;
  allow: string | null;
  body: string;
}

async function call(r: RunningRouter, method: string, path: string, body?: string, contentType = 'application/json'): Promise<Answer> {
  const res = await fetch(`${r.url}${path}`, { method, body, headers: body === undefined ? {} : { 'Content-Type': contentType } });
  return { status: res.status, contentType: res.headers.get('content-type'), allow: res.headers.get('allow'), body: await res.text() };
}

/** POST bodies and what Alertmanager 0.25 answered when this test was written (status, error). */
const POSTS: [string, string, number, string | null][] = [
  ['valid', JSON.stringify([{ labels: { alertname: 'Posted' }, startsAt: PAST, endsAt: FUTURE }]), 200, null],
  ['not JSON', 'nope', 400, "invalid character 'o' in literal null (expecting 'u')"],
  ['empty body', '', 400, 'EOF'],
  ['trailing data after the first value', `[{"labels":{"alertname":"Trailing"},"startsAt":"${PAST}","endsAt":"${FUTURE}"}] [`, 200, null],
  ['a broken literal after a string holding one', '[{"labels":{"a":"nope"}}, tru]', 400, "invalid character ']' in literal true (expecting 'e')"],
  ['an object', '{}', 400, 'json: cannot unmarshal object into Go value of type []*types.Alert'],
  ['null', 'null', 200, null],
  ['invalid label name', '[{"labels":{"alert-name":"A"}}]', 400, '"alert-name" is not a valid label name'],
  ['invalid annotation name', '[{"labels":{"a":"1"},"annotations":{"bad-name":"x"}}]', 400, '"bad-name" is not a valid label name'],
  ['no labels', '[{"labels":{}}]', 400, 'at least one label pair required'],
  ['only an empty label', '[{"labels":{"a":""}}]', 400, 'at least one label pair required'],
  ['two invalid alerts', `[{"labels":{"a":"1"},"startsAt":"${PAST}","endsAt":"2025-01-01T00:00:00Z"},{"labels":{}}]`, 400, 'start time must be before end time; at least one label pair required'],
  ['a number as label value', '[{"labels":{"a":1}}]', 400, 'json: cannot unmarshal number into Go struct field Alert.labels of type model.LabelValue'],
  ['labels as a string', '[{"labels":"x"}]', 400, 'json: cannot unmarshal string into Go struct field Alert.labels of type map[model.LabelName]model.LabelValue'],
  ['an alert as a string', '["x"]', 400, 'json: cannot unmarshal string into Go value of type types.Alert'],
  ['generatorURL a number', '[{"labels":{"a":"1"},"generatorURL":5}]', 400, 'json: cannot unmarshal number into Go struct field Alert.generatorURL of type string'],
  ['a bad time after a recorded type error', '[{"labels":{"a":"1"},"generatorURL":5,"startsAt":"bad"}]', 400, 'parsing time "\\"bad\\"" as "\\"2006-01-02T15:04:05Z07:00\\"": cannot parse "bad\\"" as "2006"'],
  ['a time with a space', '[{"labels":{"a":"1"},"startsAt":"2026-11-25 23:00:00"}]', 400, 'parsing time "\\"2026-11-25 23:00:00\\"" as "\\"2006-01-02T15:04:05Z07:00\\"": cannot parse " 23:00:00\\"" as "T"'],
  ['a time as a number', '[{"labels":{"a":"1"},"startsAt":123}]', 400, 'parsing time "123" as "\\"2006-01-02T15:04:05Z07:00\\"": cannot parse "123" as "\\""'],
  ['field names in another case', `[{"LABELS":{"alertname":"Upper"},"StartsAt":"${PAST}","ENDSAT":"${FUTURE}"}]`, 200, null],
];

describe('API v1: real Alertmanager vs freshtrack alerting', () => {
  const routers = routersSideBySide(CONFIG);
  const both = (method: string, path: string, body?: string, contentType?: string) =>
    Promise.all([routers.real, routers.ours].map((r) => call(r, method, path, body, contentType)));

  test.each(POSTS)('POST /api/v1/alerts, %s', async (_name, body, status, error) => {
    const [real, ours] = await both('POST', '/api/v1/alerts', body);
    expect(ours).toEqual(real);
    expect(ours.status).toBe(status);
    expect(ours.contentType).toBe('application/json');
    expect(JSON.parse(ours.body)).toEqual(error === null ? { status: 'success' } : { status: 'error', errorType: 'bad_data', error });
  });

  test('POST /api/v1/alerts reads the body whatever its Content-Type', async () => {
    const body = JSON.stringify([{ labels: { alertname: 'PlainText' }, startsAt: PAST, endsAt: FUTURE }]);
    const [real, ours] = await both('POST', '/api/v1/alerts', body, 'text/plain');
    expect(ours).toEqual(real);
    expect(ours.status).toBe(200);
  });

  test('GET /api/v1/alerts lists alerts as Alertmanager does: times as posted, state, receivers, filters', async () => {
    const source = [{ labels: { alertname: 'InhibitSource', severity: 'critical', cluster: 'c1' }, startsAt: PAST, endsAt: FUTURE }];
    const alerts = [
      { labels: { alertname: 'Listed', team: 'b', severity: 'warning' }, annotations: { summary: 'x < y' }, startsAt: '2026-01-01T02:00:00.123456789+02:00', endsAt: FUTURE, generatorURL: 'http://g/x' },
      { labels: { alertname: 'InhibitTarget', severity: 'warning', cluster: 'c1' }, startsAt: PAST, endsAt: FUTURE },
      { labels: { alertname: 'Gone' }, startsAt: PAST, endsAt: '2026-01-02T00:00:00Z' },
    ];
    // Alertmanager reports an alert "unprocessed" until its group's flush has run the pipeline
    // (old startsAt, new group: at once), and marks it by what its inhibitor knew then: the
    // inhibiting alert goes first, in a group of its own. Ours computes states when asked.
    const list = async (r: RunningRouter, query = '') => JSON.parse((await call(r, 'GET', `/api/v1/alerts${query}`)).body) as { data: { status: { state: string } }[] };
    const processed = async () => {
      for (let i = 0; i < 50 && (await list(routers.real)).data.some((a) => a.status.state === 'unprocessed'); i++) await new Promise((r) => setTimeout(r, 100));
    };
    for (const batch of [source, alerts]) {
      for (const r of [routers.real, routers.ours]) expect((await call(r, 'POST', '/api/v1/alerts', JSON.stringify(batch))).status).toBe(200);
      await processed();
    }

    for (const query of ['', '?filter=%7Bteam%3D%22b%22%7D', '?filter=alertname%3D~%22Inhibit.*%22', '?receiver=r2', '?inhibited=false', '?silenced=false&active=false']) {
      const [real, ours] = await both('GET', `/api/v1/alerts${query}`);
      expect({ query, ...ours }).toEqual({ query, ...real });
    }
    const all = await list(routers.ours);
    expect(all.data).toContainEqual(expect.objectContaining({ labels: { alertname: 'InhibitTarget', cluster: 'c1', severity: 'warning' }, status: { state: 'suppressed', silencedBy: null, inhibitedBy: [expect.any(String)] } }));
    expect(all.data.map((a) => (a as unknown as { labels: { alertname: string } }).labels.alertname)).not.toContain('Gone');
    expect(all.data).toContainEqual(
      expect.objectContaining({ startsAt: '2026-01-01T02:00:00.123456789+02:00', annotations: { summary: 'x < y' }, receivers: ['r2'], status: { state: 'active', silencedBy: null, inhibitedBy: null } }),
    );
  });

  test('GET /api/v1/alerts refuses bad parameters with v1 error bodies', async () => {
    for (const query of ['?filter=%7Bfoo', '?silenced=maybe', '?receiver=%28']) {
      const [real, ours] = await both('GET', `/api/v1/alerts${query}`);
      expect({ query, ...ours }).toEqual({ query, ...real });
      expect(ours.status).toBe(400);
    }
  });

  test('GET /api/v1/receivers, wrong methods and unknown paths', async () => {
    for (const [method, path] of [
      ['GET', '/api/v1/receivers'],
      ['DELETE', '/api/v1/alerts'],
      ['PUT', '/api/v1/receivers'],
      ['GET', '/api/v1/alerts/groups'],
      ['GET', '/api/v1/nope'],
    ]) {
      const [real, ours] = await both(method, path);
      expect({ method, path, ...ours }).toEqual({ method, path, ...real });
    }
  });

  test('alerts are counted by API version, invalid ones as received too, as Alertmanager does', async () => {
    const v2 = JSON.stringify([{ labels: { alertname: 'ViaV2' } }, { labels: { '0bad': 'x' } }, { labels: { alertname: 'Resolved' }, startsAt: PAST, endsAt: '2026-01-02T00:00:00Z' }]);
    for (const r of [routers.real, routers.ours]) expect((await call(r, 'POST', '/api/v2/alerts', v2)).status).toBe(400);
    const counters = async (r: RunningRouter) => {
      const text = await (await fetch(`${r.url}/metrics`)).text();
      const out: Record<string, number> = {};
      for (const m of text.matchAll(/^(alertmanager_alerts_(?:received|invalid)_total)\{([^}]*)\} (\S+)$/gm)) {
        const labels = m[2].split(',').filter((l) => !l.startsWith('service=')).join(',');
        out[`${m[1]}{${labels}}`] = Number(m[3]);
      }
      return out;
    };
    const [real, ours] = await Promise.all([counters(routers.real), counters(routers.ours)]);
    expect(ours).toEqual(real);
    expect(ours['alertmanager_alerts_invalid_total{version="v1"}']).toBeGreaterThan(0);
    expect(ours['alertmanager_alerts_invalid_total{version="v2"}']).toBe(1);
    expect(ours['alertmanager_alerts_received_total{status="firing",version="v2"}']).toBe(2);
    expect(ours['alertmanager_alerts_received_total{status="resolved",version="v2"}']).toBe(1);
  });
});
