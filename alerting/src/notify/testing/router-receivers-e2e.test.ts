import { hostname } from 'node:os';
import { createTestDatabase, type TestDatabase } from '../../../../test/helpers/postgres';
import { waitFor } from '../../../../test/helpers/processes';
import { postJson, startOurRouter, startRealAlertmanager, type RunningRouter } from '../../../test/support/routers';
import { startLocalService, type LocalService } from './conformance';
import { parseMail, startSmtpSink, type SmtpSink } from './smtp-sink';

/**
 * End to end, through both whole routers: the real Alertmanager 0.25 and `freshtrack alerting`
 * run the same config (Slack, PagerDuty and email receivers on default templates), get the
 * same alerts, and each delivers to its own local Slack/PagerDuty/SMTP servers. The
 * deliveries must be identical once each router's external URL is normalised.
 */
let db: TestDatabase;
const sides: { name: string; http: LocalService; smtp: SmtpSink; router?: RunningRouter }[] = [];

const config = (http: string, smtpPort: number) => `
global:
  smtp_require_tls: false
route:
  receiver: all
  group_by: [alertname]
  group_wait: 3s
  group_interval: 1s
  repeat_interval: 1h
receivers:
- name: all
  slack_configs:
  - api_url: ${http}/slack
    channel: '#cold-chain'
    send_resolved: true
  pagerduty_configs:
  - routing_key: rk-e2e-0123456789
    url: ${http}/pd
  email_configs:
  - to: ops@example.com
    from: alertmanager@example.com
    smarthost: 127.0.0.1:${smtpPort}
    text: '{{ template "__text_alert_list" .Alerts }}'
`;

const alerts = (base: number) => [
  { labels: { alertname: 'E2E', site: 'store-9', instance: 'a' }, annotations: { summary: 'Walk-in cooler above 5°C' }, startsAt: new Date(base - 1_000).toISOString(), endsAt: new Date(base + 3_600_000).toISOString(), generatorURL: 'http://prom.example/graph' },
  { labels: { alertname: 'E2E', site: 'store-9', instance: 'b' }, annotations: { summary: 'Walk-in cooler above 5°C' }, startsAt: new Date(base - 500).toISOString(), endsAt: new Date(base + 3_600_000).toISOString(), generatorURL: '' },
];

function normalise(text: string, router: RunningRouter): string {
  const port = new URL(router.url).port;
  return text.split(`http://${hostname()}:${port}`).join('EXTERNAL').split(`http://127.0.0.1:${port}`).join('EXTERNAL').split(`http://localhost:${port}`).join('EXTERNAL');
}

beforeAll(async () => {
  db = await createTestDatabase();
  for (const name of ['alertmanager', 'freshtrack']) {
    const http = await startLocalService();
    const smtp = await startSmtpSink();
    sides.push({ name, http, smtp });
  }
  sides[0].router = await startRealAlertmanager(config(sides[0].http.url, sides[0].smtp.port));
  sides[1].router = await startOurRouter(config(sides[1].http.url, sides[1].smtp.port), db.url);
  // Recent start times, so group_wait batches both alerts into the first notification.
  const batch = alerts(Date.now());
  for (const s of sides) expect((await postJson(`${s.router!.url}/api/v2/alerts`, batch)).status).toBe(200);
  await waitFor(async () => sides.every((s) => s.http.requests.filter((r) => r.path === '/slack').length >= 1 && s.http.requests.some((r) => r.path === '/pd') && s.smtp.mails.length >= 1), 60_000, 200);
}, 180_000);

afterAll(async () => {
  for (const s of sides) {
    await s.router?.stop();
    await s.http.close();
    await s.smtp.close();
  }
  await db?.drop();
});

test.each(['/slack', '/pd'])('%s deliveries are identical', (path) => {
  const [ours, theirs] = [sides[1], sides[0]].map((s) => JSON.parse(normalise(s.http.requests.find((r) => r.path === path)!.body, s.router!)));
  expect(ours).toEqual(theirs);
});

test('email subject, text and HTML are identical', () => {
  // Quoted-printable may split a URL across lines, so normalise after decoding.
  const [ours, theirs] = [sides[1], sides[0]].map((s) => {
    const m = parseMail(s.smtp.mails[0].raw);
    return { subject: m.headers.subject, to: m.headers.to, text: normalise(m.text ?? '', s.router!), html: normalise(m.html ?? '', s.router!) };
  });
  expect(ours.html).toContain('Walk-in cooler above 5°C');
  expect(ours).toEqual(theirs);
});
