import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { freePort, startProcess, waitFor, type RunningProcess } from '../../../../test/helpers/processes';
import { parseGlobal } from '../../config/global-config';
import type { Alert } from '../../types/alert';
import { parseEmailConfig } from '../email/email-config';
import { EmailNotifier } from '../email/email-notifier';
import { parsePagerdutyConfig } from '../pagerduty/pagerduty-config';
import { PagerdutyNotifier } from '../pagerduty/pagerduty-notifier';
import { parseSlackConfig } from '../slack/slack-config';
import { SlackNotifier } from '../slack/slack-notifier';
import { startLocalService, type LocalService } from './conformance';
import { parseMail, startSmtpSink, type SmtpSink } from './smtp-sink';

/**
 * The "Done when" for receivers and templates: the real Alertmanager 0.25 (Debian's
 * binary) delivers to local Slack, PagerDuty and SMTP servers; we render the same alerts
 * with our template engine and notifiers and require identical payloads: default templates,
 * a custom template file full of Go text/template edge cases, firing, mixed and resolved.
 */
const AM_BIN = '/usr/bin/prometheus-alertmanager';
const EXTERNAL_URL = 'http://am.example:9093';
const GROUP_KEY = '{}:{alertname="DiffTest"}';

let dir: string;
let http: LocalService;
let smtp: SmtpSink;
let am: RunningProcess;
let amUrl: string;
let configText: string;
let templateFile: string;

/** fingerprint is Alertmanager's label-set hash (FNV-1a 64 over sorted name 0xff value 0xff). */
function fingerprint(labels: Record<string, string>): string {
  let h = 0xcbf29ce484222325n;
  const prime = 0x100000001b3n;
  for (const k of Object.keys(labels).sort()) {
    for (const b of [...Buffer.from(k), 0xff, ...Buffer.from(labels[k]), 0xff]) {
      h ^= BigInt(b);
      h = (h * prime) & 0xffffffffffffffffn;
    }
  }
  return h.toString(16).padStart(16, '0');
}

const base = Date.now();
const iso = (ms: number) => new Date(ms).toISOString();
const alertDefs: { labels: Record<string, string>; annotations: Record<string, string>; startsAt: string; generatorURL: string }[] = [
  {
    labels: { alertname: 'DiffTest', instance: 'i1', site: 'store-1', severity: 'critical' },
    annotations: { summary: 'Freezer warm + rising', description: 'x <b>&amp; "q" é' },
    startsAt: '',
    generatorURL: 'http://prom.example:9090/graph?g0.expr=temp%3E5&g0.tab=1&x=a b"c',
  },
  {
    labels: { alertname: 'DiffTest', instance: 'i2', site: 'store-1', severity: 'critical' },
    annotations: { summary: 'Freezer warm' },
    startsAt: '',
    generatorURL: '',
  },
];

function ourAlerts(endsAt: (i: number) => number): Alert[] {
  return alertDefs.map((a, i) => ({
    labels: a.labels,
    annotations: a.annotations,
    startsAt: new Date(a.startsAt),
    endsAt: new Date(endsAt(i)),
    generatorURL: a.generatorURL,
    updatedAt: new Date(),
    fingerprint: fingerprint(a.labels),
  }));
}

async function postToAlertmanager(endsAt: (i: number) => number): Promise<void> {
  const body = alertDefs.map((a, i) => ({ ...a, endsAt: iso(endsAt(i)) }));
  const res = await fetch(`${amUrl}/api/v2/alerts`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status).toBe(200);
}

const requestsTo = (path: string) => http.requests.filter((r) => r.path === path);

async function waitForRound(n: number): Promise<void> {
  await waitFor(async () => ['/slack/default', '/slack/custom', '/pd/default', '/pd/custom'].every((p) => requestsTo(p).length >= n) && smtp.mails.length >= n, 60_000, 100);
}

function configEntry(kind: string, index: number): unknown {
  const doc = parseYaml(configText) as { receivers: Record<string, unknown[]>[] };
  return doc.receivers[0][kind][index];
}

const globalCfg = () => parseGlobal((parseYaml(configText) as { global: unknown }).global);
const ctx = () => ({ receiver: 'cold-chain.ops', groupKey: GROUP_KEY, groupLabels: { alertname: 'DiffTest' }, integrationIndex: 0, externalURL: EXTERNAL_URL, now: new Date() });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'am-diff-'));
  http = await startLocalService();
  smtp = await startSmtpSink();
  templateFile = join(dir, 'edge-cases.tmpl');
  copyFileSync(join(__dirname, 'fixtures', 'edge-cases.tmpl'), templateFile);
  const port = await freePort();
  amUrl = `http://127.0.0.1:${port}`;
  configText = `
global:
  smtp_require_tls: false
route:
  receiver: cold-chain.ops
  group_by: [alertname]
  group_wait: 3s
  group_interval: 1s
  repeat_interval: 1h
receivers:
- name: cold-chain.ops
  slack_configs:
  - api_url: ${http.url}/slack/default
    send_resolved: true
  - api_url: ${http.url}/slack/custom
    send_resolved: true
    channel: '#ops-{{ .CommonLabels.site }}'
    text: '{{ template "edge.cases" . }}{{ template "edge.title" . }}'
    title: '{{ range .Alerts }}{{ .Annotations.summary }} {{ end }}'
    color: '{{ if eq .Status "firing" }}#ff0000{{ else }}#00ff00{{ end }}'
    short_fields: true
    link_names: true
    mrkdwn_in: [text]
    image_url: 'http://img.example/{{ .GroupLabels.alertname }}.png'
    fields:
    - title: Site
      value: '{{ .CommonLabels.site }}'
    - title: Count
      value: '{{ len .Alerts }}'
      short: false
    actions:
    - type: button
      text: 'Runbook {{ .GroupLabels.alertname }}'
      url: 'http://runbooks.example/{{ .GroupLabels.alertname | toLower }}'
      style: danger
      confirm:
        text: 'Sure?'
        ok_text: 'Yes'
  pagerduty_configs:
  - routing_key: rk-default-0123456789abcdef
    url: ${http.url}/pd/default
  - routing_key: rk-custom-0123456789abcdef
    url: ${http.url}/pd/custom
    severity: '{{ .CommonLabels.severity }}'
    class: temperature
    component: '{{ .CommonLabels.site }}'
    group: '{{ .GroupLabels.alertname }}'
    description: '{{ template "edge.cases" . }}'
    details:
      site: '{{ .CommonLabels.site }}'
      firing: 'overridden {{ .Alerts.Firing | len }}'
    images:
    - src: 'http://img.example/{{ .GroupLabels.alertname }}.png'
      alt: graph
    - src: ''
    links:
    - href: 'http://runbooks.example/{{ .GroupLabels.alertname }}'
      text: Runbook
  email_configs:
  - to: 'ops@example.com, lead@example.com'
    from: 'alertmanager@example.com'
    smarthost: 127.0.0.1:${smtp.port}
    send_resolved: true
    text: '{{ template "__text_alert_list" .Alerts }}{{ template "edge.cases" . }}'
    headers:
      x-team: 'cold-chain {{ .GroupLabels.alertname }}'
templates:
- ${join(dir, '*.tmpl')}
`;
  writeFileSync(join(dir, 'alertmanager.yml'), configText);
  am = startProcess(AM_BIN, [
    `--config.file=${join(dir, 'alertmanager.yml')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    `--storage.path=${join(dir, 'data')}`,
    '--cluster.listen-address=',
    `--web.external-url=${EXTERNAL_URL}`,
  ]);
  await waitFor(async () => (await fetch(`${amUrl}/-/ready`)).ok, 60_000, 200);
}, 120_000);

afterAll(async () => {
  await am?.stop();
  await http?.close();
  await smtp?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const rounds: [string, (i: number) => number][] = [
  ['both firing', () => base + 3_600_000],
  ['one resolved', (i) => (i === 1 ? Date.now() - 1_000 : base + 3_600_000)],
  ['all resolved', () => Date.now() - 1_000],
];

describe.each(rounds.map((r, i) => [r[0], i] as const))('Alertmanager 0.25 vs ours: %s', (_name, round) => {
  let ends: number[];
  beforeAll(async () => {
    if (round === 0) {
      // Recent start times, so group_wait holds the first flush until both alerts are in;
      // an old startsAt would flush the group as soon as the first alert arrived.
      const t = Date.now();
      alertDefs[0].startsAt = iso(t - 1_123);
      alertDefs[1].startsAt = iso(t - 500);
    }
    const endsFn = rounds[round][1];
    ends = alertDefs.map((_a, i) => endsFn(i));
    await postToAlertmanager((i) => ends[i]);
    await waitForRound(round + 1);
  }, 90_000);

  test.each([
    ['/slack/default', 0],
    ['/slack/custom', 1],
  ])('slack payload at %s', (path, index) => {
    const got = JSON.parse(requestsTo(path)[round].body);
    const cfg = parseSlackConfig(configEntry('slack_configs', index), globalCfg(), `receivers[0].slack_configs[${index}]`);
    const ours = new SlackNotifier(cfg, [templateFile]).payload(ctx(), ourAlerts((i) => ends[i]));
    expect(ours).toEqual(got);
    expect(requestsTo(path)[round].headers['user-agent']).toBe('Alertmanager/0.25.0');
  });

  test.each([
    ['/pd/default', 0, 'rk-default-0123456789abcdef'],
    ['/pd/custom', 1, 'rk-custom-0123456789abcdef'],
  ])('pagerduty event at %s', (path, index, key) => {
    const got = JSON.parse(requestsTo(path)[round].body);
    const cfg = parsePagerdutyConfig(configEntry('pagerduty_configs', index), globalCfg(), `receivers[0].pagerduty_configs[${index}]`);
    const ours = new PagerdutyNotifier(cfg, [templateFile]).payload(ctx(), ourAlerts((i) => ends[i]), key);
    expect(ours).toEqual(got);
    expect(got.dedup_key).toBe(createHash('sha256').update(GROUP_KEY).digest('hex'));
  });

  test('email subject, headers, text and html', () => {
    const mail = smtp.mails[round];
    const got = parseMail(mail.raw);
    const cfg = parseEmailConfig(configEntry('email_configs', 0), globalCfg(), 'receivers[0].email_configs[0]');
    const ours = new EmailNotifier(cfg, [templateFile]).render(ctx(), ourAlerts((i) => ends[i]));
    expect(ours.headers.Subject).toBe(got.headers.subject);
    expect(ours.headers['X-Team']).toBe(got.headers['x-team']);
    expect(ours.headers.To).toBe(got.headers.to);
    expect(ours.headers.From).toBe(got.headers.from);
    expect(ours.text).toBe(got.text);
    expect(ours.html).toBe(got.html);
    expect(mail.to.sort()).toEqual(['lead@example.com', 'ops@example.com']);
  });
});

test('the default templates are the ones Debian ships with Alertmanager 0.25', () => {
  for (const f of ['default.tmpl', 'email.tmpl']) {
    const ours = readFileSync(join(__dirname, '..', '..', 'template', 'defaults', f), 'utf8').replace(/^\{\{\/\*[\s\S]*?\*\/\}\}/, '');
    expect(ours).toBe(readFileSync(`/usr/share/prometheus/alertmanager/${f}`, 'utf8'));
  }
});
