/**
 * bench/templates-receivers.ts — cost of rendering notifications with our Go text/template
 * engine: loading the default templates, compiling a receiver's fields (with the load-time
 * type check), and rendering the Slack, PagerDuty and email (HTML) payloads for groups of
 * 1, 10 and 100 alerts. Figures printed, never asserted.
 *
 *   npm run build && node dist/bench/templates-receivers.js
 *   (env: BENCH_SECONDS=3 per measurement)
 */
import { parseGlobal } from '../alerting/src/config/global-config';
import { parseEmailConfig } from '../alerting/src/notify/email/email-config';
import { EmailNotifier } from '../alerting/src/notify/email/email-notifier';
import { parsePagerdutyConfig } from '../alerting/src/notify/pagerduty/pagerduty-config';
import { PagerdutyNotifier } from '../alerting/src/notify/pagerduty/pagerduty-notifier';
import { parseSlackConfig } from '../alerting/src/notify/slack/slack-config';
import { SlackNotifier } from '../alerting/src/notify/slack/slack-notifier';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../platform/paths';
import { DEFAULT_FILES, TemplateSet } from '../alerting/src/template/template-set';
import type { Alert } from '../alerting/src/types/alert';
import type { NotifyContext } from '../alerting/src/notify/notifier';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);

function measure(name: string, fn: () => unknown): void {
  // Warm up so the JIT has compiled the hot paths before timing starts.
  for (let i = 0; i < 300; i++) fn();
  let n = 0;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(SECONDS * 1e9);
  let now = start;
  while (now < deadline) {
    fn();
    n++;
    if (n % 16 === 0) now = process.hrtime.bigint();
  }
  now = process.hrtime.bigint();
  const secs = Number(now - start) / 1e9;
  console.log(`${name.padEnd(46)} ${String(Math.round(n / secs)).padStart(9)} /s   ${((secs / n) * 1e6).toFixed(1).padStart(9)} µs each`);
}

function alerts(count: number): Alert[] {
  const now = Date.now();
  return Array.from({ length: count }, (_, i) => ({
    labels: { alertname: 'FreezerWarm', site: `store-${i % 7}`, instance: `sensor-${i}`, severity: 'critical' },
    annotations: { summary: 'Freezer above -15°C', description: `Sensor ${i} read -9.5°C for 20 minutes` },
    startsAt: new Date(now - 600_000),
    endsAt: new Date(now + (i % 3 === 0 ? -1000 : 3_600_000)),
    generatorURL: 'http://prometheus.example/graph?g0.expr=temp',
    updatedAt: new Date(now),
    fingerprint: i.toString(16).padStart(16, '0'),
  }));
}

const global = parseGlobal({ smtp_from: 'alerts@example.com', smtp_smarthost: 'relay.example:587' });
const ctx: NotifyContext = { receiver: 'cold-chain', groupKey: '{}:{alertname="FreezerWarm"}', groupLabels: { alertname: 'FreezerWarm' }, integrationIndex: 0, externalURL: 'http://router:9093', now: new Date() };

console.log(`templates-receivers bench (node ${process.version}, ${SECONDS}s per line)`);
const sources = DEFAULT_FILES.map((f) => [f, readFileSync(join(PROJECT_ROOT, 'alerting', 'src', 'template', 'defaults', f), 'utf8')] as const);
measure('parse the default templates (4 files, 19 KB)', () => {
  const set = new TemplateSet();
  for (const [f, src] of sources) set.addSource(f, src);
});
const slack = new SlackNotifier(parseSlackConfig({ api_url: 'http://x.example/' }, global, 'slack'), []);
const pd = new PagerdutyNotifier(parsePagerdutyConfig({ routing_key: 'k' }, global, 'pd'), []);
const email = new EmailNotifier(parseEmailConfig({ to: 'ops@example.com' }, global, 'email'), []);
measure('compile slack_configs entry (12 fields + type check)', () => new SlackNotifier(parseSlackConfig({ api_url: 'http://x.example/' }, global, 'slack'), []));
for (const n of [1, 10, 100]) {
  const batch = alerts(n);
  measure(`slack payload, ${n} alert(s)`, () => slack.payload(ctx, batch));
  measure(`pagerduty event, ${n} alert(s)`, () => pd.payload(ctx, batch, 'k'));
  measure(`email subject + HTML, ${n} alert(s)`, () => email.render(ctx, batch));
}
