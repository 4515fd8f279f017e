/**
 * API v2 bad-input table: every request goes to the real Alertmanager and to ours; status,
 * Content-Type and body must be identical (uuids normalised), and ours must match the
 * values recorded in docs (alertmanager.md) so both sides cannot drift together.
 */
import { routersSideBySide } from './support/routers';

const CONFIG = `
route:
  receiver: a
  group_wait: 1h
receivers:
- name: a
`;

const hour = () => new Date(Date.now() + 3600_000).toISOString();
const now = () => new Date().toISOString();
const silence = (over: Record<string, unknown> = {}) => ({
  matchers: [{ name: 'a', value: 'b', isRegex: false, isEqual: true }],
  startsAt: now(),
  endsAt: hour(),
  createdBy: 'me',
  comment: 'c',
  ...over,
});
const without = (o: Record<string, unknown>, key: string) => Object.fromEntries(Object.entries(o).filter(([k]) => k !== key));
const UNKNOWN = '00000000-0000-4000-8000-000000000000';

interface Case {
  name: string;
  method: string;
  path: string;
  body?: unknown;
  contentType?: string;
  status: number;
  /** The body Alertmanager 0.25 answers (docs/alertmanager.md), `<uuid>` for ids. */
  expect?: string;
}

const CASES: Case[] = [
  { name: 'malformed JSON', method: 'POST', path: '/api/v2/alerts', body: '{bad', status: 400, expect: '{"code":400,"message":"parsing alerts body from \\"\\" failed, because invalid character \'b\' looking for beginning of object key string"}' },
  { name: 'object not array', method: 'POST', path: '/api/v2/alerts', body: '{}', status: 400, expect: '{"code":400,"message":"parsing alerts body from \\"\\" failed, because json: cannot unmarshal object into Go value of type models.PostableAlerts"}' },
  { name: 'empty array', method: 'POST', path: '/api/v2/alerts', body: '[]', status: 200, expect: '' },
  // Go's json.Decoder reads the first value and leaves the rest.
  { name: 'trailing data after the array', method: 'POST', path: '/api/v2/alerts', body: '[{"labels":{"a":"trailing"}}] x', status: 200, expect: '' },
  { name: 'a broken literal', method: 'POST', path: '/api/v2/alerts', body: '[tru]', status: 400, expect: '{"code":400,"message":"parsing alerts body from \\"\\" failed, because invalid character \']\' in literal true (expecting \'e\')"}' },
  { name: 'missing labels', method: 'POST', path: '/api/v2/alerts', body: [{ annotations: {} }], status: 422, expect: '{"code":602,"message":"0.labels in body is required"}' },
  { name: 'empty labels', method: 'POST', path: '/api/v2/alerts', body: [{ labels: { a: '' } }], status: 400, expect: '"at least one label pair required"\n' },
  { name: 'bad label name', method: 'POST', path: '/api/v2/alerts', body: [{ labels: { 'a-b': 'x' } }], status: 400, expect: '"invalid label set: invalid name \\"a-b\\""\n' },
  { name: 'mixed batch', method: 'POST', path: '/api/v2/alerts', body: [{ labels: { alertname: 'kept' } }, { labels: { '0bad': 'x' } }], status: 400, expect: '"invalid label set: invalid name \\"0bad\\""\n' },
  { name: 'startsAt after endsAt', method: 'POST', path: '/api/v2/alerts', body: [{ labels: { a: 'b' }, startsAt: hour(), endsAt: now() }], status: 400, expect: '"start time must be before end time"\n' },
  {
    name: 'startsAt yesterday',
    method: 'POST',
    path: '/api/v2/alerts',
    body: [{ labels: { a: 'b' }, startsAt: 'yesterday' }],
    status: 400,
    expect: '{"code":400,"message":"parsing alerts body from \\"\\" failed, because parsing time \\"yesterday\\" as \\"2006-01-02 15:04:05\\": cannot parse \\"yesterday\\" as \\"2006\\""}',
  },
  { name: 'numeric label value', method: 'POST', path: '/api/v2/alerts', body: '[{"labels":{"a":1}}]', status: 400 },
  { name: 'text/plain', method: 'POST', path: '/api/v2/alerts', body: '[]', contentType: 'text/plain', status: 415, expect: '{"code":415,"message":"unsupported media type \\"text/plain\\", only [application/json] are allowed"}' },
  { name: 'form type', method: 'POST', path: '/api/v2/alerts', body: 'x=1', contentType: 'application/x-www-form-urlencoded', status: 415 },
  { name: 'generatorURL not a uri', method: 'POST', path: '/api/v2/alerts', body: [{ labels: { a: 'b' }, generatorURL: 'not a url' }], status: 422, expect: '{"code":601,"message":"0.generatorURL in body must be of type uri: \\"not a url\\""}' },
  ...['comment', 'createdBy', 'endsAt', 'startsAt'].map((field) => ({
    name: `silence without ${field}`,
    method: 'POST',
    path: '/api/v2/silences',
    body: without(silence(), field),
    status: 422,
    expect: `{"code":602,"message":"${field} in body is required"}`,
  })),
  { name: 'matcher without isRegex', method: 'POST', path: '/api/v2/silences', body: silence({ matchers: [{ name: 'a', value: 'b' }] }), status: 422, expect: '{"code":602,"message":"matchers.0.isRegex in body is required"}' },
  { name: 'no matchers', method: 'POST', path: '/api/v2/silences', body: silence({ matchers: [] }), status: 422, expect: '{"code":612,"message":"matchers in body should have at least 1 items"}' },
  { name: 'empty createdBy and comment', method: 'POST', path: '/api/v2/silences', body: silence({ createdBy: '', comment: '' }), status: 200, expect: '{"silenceID":"<uuid>"}\n' },
  { name: 'endsAt in the past', method: 'POST', path: '/api/v2/silences', body: silence({ startsAt: '2020-01-01T00:00:00Z', endsAt: '2020-01-02T00:00:00Z' }), status: 400, expect: '"Failed to create silence: end time can\'t be in the past"\n' },
  { name: 'silence startsAt after endsAt', method: 'POST', path: '/api/v2/silences', body: silence({ startsAt: hour(), endsAt: now() }), status: 400, expect: '"Failed to create silence: start time must be before end time"\n' },
  {
    name: 'matches everything',
    method: 'POST',
    path: '/api/v2/silences',
    body: silence({ matchers: [{ name: 'a', value: '.*', isRegex: true, isEqual: true }] }),
    status: 400,
    expect: '"silence invalid: at least one matcher must not match the empty string"\n',
  },
  {
    name: 'bad regex',
    method: 'POST',
    path: '/api/v2/silences',
    body: silence({ matchers: [{ name: 'a', value: '(', isRegex: true, isEqual: true }] }),
    status: 400,
    expect: '"silence invalid: invalid label matcher 0: invalid regular expression \\"(\\": error parsing regexp: missing closing ): `(`"\n',
  },
  { name: 'unknown silence id', method: 'POST', path: '/api/v2/silences', body: silence({ id: UNKNOWN }), status: 404, expect: '"silence not found"\n' },
  { name: 'get unknown silence', method: 'GET', path: `/api/v2/silence/${UNKNOWN}`, status: 404, expect: '' },
  { name: 'get non-uuid silence', method: 'GET', path: '/api/v2/silence/notauuid', status: 422, expect: '{"code":601,"message":"silenceID in path must be of type uuid: \\"notauuid\\""}' },
  { name: 'delete unknown silence', method: 'DELETE', path: `/api/v2/silence/${UNKNOWN}`, status: 500, expect: '"silence not found"\n' },
  { name: 'bad filter', method: 'GET', path: '/api/v2/alerts?filter=%3D%3D', status: 400, expect: '"bad matcher format: =="\n' },
  { name: 'unknown path', method: 'GET', path: '/api/v2/nothing', status: 404, expect: '{"code":404,"message":"path /api/v2/nothing was not found"}' },
  { name: 'GET reload', method: 'GET', path: '/-/reload', status: 405, expect: 'Method Not Allowed\n' },
  { name: 'healthy', method: 'GET', path: '/-/healthy', status: 200, expect: 'OK' },
  { name: 'ready', method: 'GET', path: '/-/ready', status: 200, expect: 'OK' },
  { name: 'receivers', method: 'GET', path: '/api/v2/receivers', status: 200, expect: '[{"name":"a"}]\n' },
];

interface Answer {
  status: number;
  contentType: string | null;
  allow: string | null;
  body: string;
}

async function ask(base: string, c: Case): Promise<Answer> {
  const headers: Record<string, string> = {};
  let body: string | undefined;
  if (c.body !== undefined) {
    body = typeof c.body === 'string' ? c.body : JSON.stringify(c.body);
    headers['Content-Type'] = c.contentType ?? 'application/json';
  }
  const res = await fetch(`${base}${c.path}`, { method: c.method, headers, body });
  const text = (await res.text()).replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uuid>');
  return { status: res.status, contentType: res.headers.get('content-type'), allow: res.headers.get('allow'), body: text };
}

describe('API v2 error bodies: real Alertmanager vs freshtrack alerting', () => {
  const routers = routersSideBySide(CONFIG);
  const answers = new Map<string, [Answer, Answer]>();

  beforeAll(async () => {
    for (const c of CASES) answers.set(c.name, [await ask(routers.real.url, c), await ask(routers.ours.url, c)]);
  }, 120_000);

  test.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const [r, o] = answers.get(c.name)!;
    expect(o).toEqual(r);
    expect(o.status).toBe(c.status);
    if (c.expect !== undefined) expect(o.body).toBe(c.expect);
  });

  test('a mixed batch stores its valid alert on both', async () => {
    for (const r of [routers.real, routers.ours]) {
      const alerts = (await (await fetch(`${r.url}/api/v2/alerts?filter=alertname%3D%22kept%22`)).json()) as unknown[];
      expect(alerts).toHaveLength(1);
    }
  });
});
