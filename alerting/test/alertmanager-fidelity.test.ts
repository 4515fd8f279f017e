/**
 * Details existing dashboards and API clients see, compared with the real Alertmanager 0.25
 * (issue 4): notification counters exist at 0 before the first notification, and API v2
 * prints alert times with three fractional digits in the UTC offset they were posted in.
 */
import { postJson, routersSideBySide, type RunningRouter } from './support/routers';

const CONFIG = `
route:
  receiver: hook
  group_wait: 1h
receivers:
- name: hook
  webhook_configs:
  - url: http://127.0.0.1:9/
`;

/** Every integration type both routers implement. */
const SHARED_INTEGRATIONS = ['email', 'pagerduty', 'slack', 'webhook'];

/** series maps `name{labels}` to its value for the metrics named. */
function series(text: string, name: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) if (line.startsWith(`${name}{`)) out.set(line.slice(0, line.lastIndexOf(' ')), Number(line.slice(line.lastIndexOf(' ') + 1)));
  return out;
}

/** byIntegration sums a counter's series per integration (ours adds a `reason` label). */
function byIntegration(s: Map<string, number>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [key, v] of s) {
    const integration = /integration="([^"]+)"/.exec(key)![1];
    out.set(integration, (out.get(integration) ?? 0) + v);
  }
  return out;
}

const POSTED = [
  { labels: { alertname: 'Offsets' }, startsAt: '2026-11-25T23:07:23.123456789+02:00', endsAt: '2099-11-25T23:07:23.9+05:30' },
  { labels: { alertname: 'NoFraction' }, startsAt: '2026-11-25T21:07:23Z' },
  { labels: { alertname: 'Nanoseconds' }, startsAt: '2026-11-25T21:07:23.999999999Z', endsAt: '2099-01-01T00:00:00.0005Z' },
  { labels: { alertname: 'NegativeOffset' }, startsAt: '2026-11-25T19:37:23.5-01:30' },
  { labels: { alertname: 'ZeroOffset' }, startsAt: '2026-11-25T21:07:23.5+00:00' },
  { labels: { alertname: 'OnlyEndsAt' }, endsAt: '2099-11-25T23:07:23.25-04:00' },
];

interface ApiAlert {
  labels: { alertname: string };
  startsAt: string;
  endsAt: string;
  updatedAt: string;
}

describe('Alertmanager fidelity: metrics and API times', () => {
  const routers = routersSideBySide(CONFIG);

  test('notification counters exist at 0 for every integration type before any notification', async () => {
    const [realText, ourText] = await Promise.all([routers.real, routers.ours].map(async (r) => (await fetch(`${r.url}/metrics`)).text()));
    for (const name of ['alertmanager_notifications_total', 'alertmanager_notifications_failed_total']) {
      const realSeries = byIntegration(series(realText, name));
      const ourSeries = byIntegration(series(ourText, name));
      for (const integration of SHARED_INTEGRATIONS) {
        expect({ name, integration, value: realSeries.get(integration) }).toEqual({ name, integration, value: 0 });
        expect({ name, integration, value: ourSeries.get(integration) }).toEqual({ name, integration, value: 0 });
      }
    }
  });

  test('GET /api/v2/alerts and /alerts/groups print times as Alertmanager does', async () => {
    for (const r of [routers.real, routers.ours]) expect((await postJson(`${r.url}/api/v2/alerts`, POSTED)).status).toBe(200);
    const times = async (r: RunningRouter) => {
      const list = (await (await fetch(`${r.url}/api/v2/alerts`)).json()) as ApiAlert[];
      const groups = (await (await fetch(`${r.url}/api/v2/alerts/groups`)).json()) as { alerts: ApiAlert[] }[];
      const out: Record<string, unknown> = {};
      for (const [where, alerts] of [['alerts', list] as const, ['groups', groups.flatMap((g) => g.alerts)] as const])
        for (const a of alerts) {
          // updatedAt is the receipt time, and a missing endsAt is relative to it: compare their form.
          const form = (t: string) => t.replace(/\d/g, '9');
          const defaulted = !POSTED.find((p) => p.labels.alertname === a.labels.alertname)!.endsAt;
          out[`${where} ${a.labels.alertname}`] = { startsAt: a.startsAt, endsAt: defaulted ? form(a.endsAt) : a.endsAt, updatedAt: form(a.updatedAt) };
        }
      return out;
    };
    const [realTimes, ourTimes] = await Promise.all([times(routers.real), times(routers.ours)]);
    expect(Object.keys(realTimes)).toHaveLength(2 * POSTED.length);
    expect(ourTimes).toEqual(realTimes);
    // As Alertmanager 0.25 printed them when this test was written, so both sides cannot drift together.
    expect(ourTimes['alerts Offsets']).toEqual({ startsAt: '2026-11-25T23:07:23.123+02:00', endsAt: '2099-11-25T23:07:23.900+05:30', updatedAt: '9999-99-99T99:99:99.999Z' });

    // A re-post merges: the earlier startsAt is kept with the offset it came in, endsAt is the new one.
    const again = [{ labels: { alertname: 'Offsets' }, startsAt: '2026-11-25T22:00:00Z', endsAt: '2099-12-01T00:00:00.5-07:00' }];
    for (const r of [routers.real, routers.ours]) expect((await postJson(`${r.url}/api/v2/alerts`, again)).status).toBe(200);
    const [realMerged, ourMerged] = await Promise.all([times(routers.real), times(routers.ours)]);
    expect(ourMerged['alerts Offsets']).toEqual(realMerged['alerts Offsets']);
    expect(ourMerged['alerts Offsets']).toEqual({ startsAt: '2026-11-25T23:07:23.123+02:00', endsAt: '2099-12-01T00:00:00.500-07:00', updatedAt: '9999-99-99T99:99:99.999Z' });
  });
});
