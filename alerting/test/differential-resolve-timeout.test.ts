/**
 * Differential: an alert posted without endsAt resolves by itself after
 * global.resolve_timeout, and a re-post while firing keeps it firing. Both routers must
 * deliver the same firing then resolved notifications.
 */
import { waitFor } from '../../test/helpers/processes';
import { postJson, routersWithSinks } from './support/routers';

const CONFIG = (sink: string) => `
global: {resolve_timeout: 3s}
route: {receiver: hook, group_by: [alertname], group_wait: 1s, group_interval: 2s, repeat_interval: 1h}
receivers: [{name: hook, webhook_configs: [{url: "${sink}/hook"}]}]
`;

const shape = (body: unknown) => {
  const b = body as { status: string; groupKey: string; alerts: { status: string; labels: Record<string, string>; fingerprint: string }[] };
  return { status: b.status, groupKey: b.groupKey, alerts: b.alerts.map((a) => ({ status: a.status, labels: a.labels, fingerprint: a.fingerprint })) };
};

describe('resolve_timeout: real Alertmanager vs freshtrack alerting', () => {
  const { routers, sinks } = routersWithSinks(CONFIG);

  test('an alert without endsAt resolves after resolve_timeout and is notified as resolved', async () => {
    await Promise.all(routers.map((r) => postJson(`${r.url}/api/v2/alerts`, [{ labels: { alertname: 'Timeout', n: '1' } }, { labels: { alertname: 'Timeout', n: '2' } }])));
    await waitFor(async () => sinks.every((s) => s.at('/hook').some((d) => (d.body as { status: string }).status === 'resolved')), 30_000, 200);
    const [real, ours] = sinks.map((s) => s.at('/hook').map((d) => shape(d.body)));
    expect(real[0].status).toBe('firing');
    expect(ours.slice(0, real.length)).toEqual(real);
    const stored = (await (await fetch(`${routers[1].url}/api/v2/alerts`)).json()) as unknown[];
    expect(stored).toEqual([]);
  }, 60_000);
});
