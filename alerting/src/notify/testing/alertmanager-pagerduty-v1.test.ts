import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startProcess, waitFor, type RunningProcess } from '../../../../test/helpers/processes';
import { parseGlobal } from '../../config/global-config';
import type { Alert } from '../../types/alert';
import { parsePagerdutyConfig } from '../pagerduty/pagerduty-config';
import { PagerdutyNotifier } from '../pagerduty/pagerduty-notifier';
import { makeSelfSignedCert, type SelfSignedCert } from './smtp-sink';

/**
 * PagerDuty Events API v1 (`service_key`): Alertmanager 0.25 always sends these to the fixed
 * https://events.pagerduty.com/… URL, so the test gives it an `http_config.proxy_url` pointing
 * at a local CONNECT proxy that hands the tunnel to a local HTTPS server holding a
 * self-signed certificate for events.pagerduty.com (trusted via `tls_config.ca_file`).
 * Nothing leaves the machine. Our v1 events must equal what Alertmanager sent.
 */
const SERVICE_KEY = 'v1-service-key-0123456789abcdef';
let dir: string;
let cert: SelfSignedCert;
let https: Server;
let proxy: Server;
let am: RunningProcess;
let amUrl: string;
const captured: { path: string; body: string }[] = [];
const listen = (s: Server) => new Promise<number>((resolve) => s.listen(0, '127.0.0.1', () => resolve((s.address() as AddressInfo).port)));

const alertDef = { labels: { alertname: 'V1Test', site: 'store-3' }, annotations: { summary: 'Chiller door open' }, generatorURL: 'http://prom.example/graph' };
let startsAt = '';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'am-pd1-'));
  cert = makeSelfSignedCert('events.pagerduty.com');
  https = createHttpsServer({ key: readFileSync(cert.keyFile), cert: readFileSync(cert.certFile) }, (req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      captured.push({ path: req.url ?? '', body });
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"status":"success","message":"Event processed","incident_key":"x"}');
    });
  });
  const httpsPort = await listen(https);
  proxy = createHttpServer();
  proxy.on('connect', (_req, socket, head) => {
    const upstream = connect(httpsPort, '127.0.0.1', () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });
  const proxyPort = await listen(proxy);
  const port = await freePort();
  amUrl = `http://127.0.0.1:${port}`;
  writeFileSync(
    join(dir, 'alertmanager.yml'),
    `
route:
  receiver: pd
  group_by: [alertname]
  group_wait: 2s
  group_interval: 1s
  repeat_interval: 1h
receivers:
- name: pd
  pagerduty_configs:
  - service_key: ${SERVICE_KEY}
    details:
      site: '{{ .CommonLabels.site }}'
    http_config:
      proxy_url: http://127.0.0.1:${proxyPort}
      tls_config:
        ca_file: ${cert.certFile}
`,
  );
  am = startProcess('/usr/bin/prometheus-alertmanager', [
    `--config.file=${join(dir, 'alertmanager.yml')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    `--storage.path=${join(dir, 'data')}`,
    '--cluster.listen-address=',
    '--web.external-url=http://am.example:9093',
  ]);
  await waitFor(async () => (await fetch(`${amUrl}/-/ready`)).ok, 60_000, 200);
}, 120_000);

afterAll(async () => {
  await am?.stop();
  await new Promise((r) => proxy?.close(r));
  https?.closeAllConnections?.();
  await new Promise((r) => https?.close(r));
  if (dir) rmSync(dir, { recursive: true, force: true });
  if (cert) rmSync(cert.dir, { recursive: true, force: true });
});

async function post(endsAt: number): Promise<void> {
  const res = await fetch(`${amUrl}/api/v2/alerts`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify([{ ...alertDef, startsAt, endsAt: new Date(endsAt).toISOString() }]) });
  expect(res.status).toBe(200);
}

function ours(endsAt: number): Record<string, unknown> {
  const cfg = parsePagerdutyConfig({ service_key: SERVICE_KEY, details: { site: '{{ .CommonLabels.site }}' } }, parseGlobal({}), 'receivers[0].pagerduty_configs[0]');
  const alert: Alert = { ...alertDef, startsAt: new Date(startsAt), endsAt: new Date(endsAt), updatedAt: new Date(), fingerprint: '' };
  const ctx = { receiver: 'pd', groupKey: '{}:{alertname="V1Test"}', groupLabels: { alertname: 'V1Test' }, integrationIndex: 0, externalURL: 'http://am.example:9093', now: new Date() };
  return new PagerdutyNotifier(cfg, []).payloadV1(ctx, [alert], SERVICE_KEY);
}

test.each([
  ['trigger', () => Date.now() + 3_600_000],
  ['resolve', () => Date.now() - 1_000],
])('%s event equals Alertmanager 0.25', async (action, endsAtFn) => {
  if (!startsAt) startsAt = new Date(Date.now() - 500).toISOString();
  const endsAt = endsAtFn();
  const before = captured.length;
  await post(endsAt);
  await waitFor(async () => captured.length > before, 60_000, 100);
  const got = captured[captured.length - 1];
  expect(got.path).toBe('/generic/2010-04-15/create_event.json');
  const body = JSON.parse(got.body);
  expect(body.event_type).toBe(action);
  expect(ours(endsAt)).toEqual(body);
}, 90_000);
