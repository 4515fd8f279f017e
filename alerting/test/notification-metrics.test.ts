/**
 * How the notification counters count, compared with the real Alertmanager 0.25 (issue 4):
 * a notification is one pass of the retry stage however many requests it takes, so while a
 * receiver keeps refusing, `alertmanager_notifications_total` stays at 1 and
 * `alertmanager_notification_requests{,_failed}_total` count every attempt.
 */
import { waitFor } from '../../test/helpers/processes';
import { postJson, routersSideBySide, type RunningRouter } from './support/routers';

// Port 9 (discard) refuses connections on loopback: every request fails and is retried.
const CONFIG = `
route:
  receiver: hook
  group_wait: 0s
  group_interval: 5m
receivers:
- name: hook
  webhook_configs:
  - url: http://127.0.0.1:9/
`;

/** counter sums a counter's webhook series (ours adds a `reason` label to the failures). */
async function counter(r: RunningRouter, name: string): Promise<number> {
  const text = await (await fetch(`${r.url}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) && line.includes('integration="webhook"'))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

describe('Alertmanager fidelity: notification and request counters', () => {
  const routers = routersSideBySide(CONFIG);

  test('a notification retried against a refusing receiver is one notification and several failed requests', async () => {
    for (const r of [routers.real, routers.ours]) expect((await postJson(`${r.url}/api/v2/alerts`, [{ labels: { alertname: 'Refused' } }])).status).toBe(200);
    for (const r of [routers.real, routers.ours]) await waitFor(async () => (await counter(r, 'alertmanager_notification_requests_failed_total')) >= 3, 30_000);
    for (const r of [routers.real, routers.ours]) {
      const requests = await counter(r, 'alertmanager_notification_requests_total');
      const failedRequests = await counter(r, 'alertmanager_notification_requests_failed_total');
      expect({ router: r.url, notifications: await counter(r, 'alertmanager_notifications_total'), failed: await counter(r, 'alertmanager_notifications_failed_total') }).toEqual({
        router: r.url,
        notifications: 1,
        failed: 0, // still retrying: it fails when the stage gives up
      });
      expect(requests).toBeGreaterThanOrEqual(3);
      expect(failedRequests).toBeGreaterThanOrEqual(3);
      expect(requests - failedRequests).toBeLessThanOrEqual(1); // a request may be in flight between the two reads
    }
  });
});
