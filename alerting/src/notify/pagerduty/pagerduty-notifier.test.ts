import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseGlobal } from '../../config/global-config';
import { describeHttpConformance, startLocalService, testAlert, testContext, type LocalService } from '../testing/conformance';
import { parsePagerdutyConfig } from './pagerduty-config';
import { dedupKey, PagerdutyNotifier } from './pagerduty-notifier';

const ROUTING_KEY = 'R0UT1NGk3ysecret000000000000000';
const global = parseGlobal({});
const create = (raw: Record<string, unknown>) => new PagerdutyNotifier(parsePagerdutyConfig(raw, global, 'receivers[0].pagerduty_configs[0]'), []);

describeHttpConformance({
  integration: 'pagerduty',
  secretPath: '/v2/enqueue',
  secrets: [ROUTING_KEY],
  create: (url) => create({ routing_key: ROUTING_KEY, url }),
});

describe('pagerduty notifier against a local Events API v2 server', () => {
  let svc: LocalService;
  beforeAll(async () => {
    svc = await startLocalService();
  });
  afterAll(() => svc.close());

  test('trigger then resolve share the dedup key (SHA-256 of the group key)', async () => {
    svc.respondWith(202, '{"status":"success","message":"Event processed","dedup_key":"x"}');
    const n = create({ routing_key: ROUTING_KEY, url: `${svc.url}/v2/enqueue`, severity: '{{ .CommonLabels.severity }}' });
    const ctx = testContext();
    await n.notify(ctx, [testAlert({ alertname: 'FreezerWarm', severity: 'critical' })]);
    await n.notify(ctx, [testAlert({ alertname: 'FreezerWarm', severity: 'critical' }, true)]);
    const [trigger, resolve] = svc.requests.slice(-2).map((r) => JSON.parse(r.body));
    const expectedKey = createHash('sha256').update(ctx.groupKey).digest('hex');
    expect(trigger).toMatchObject({ routing_key: ROUTING_KEY, dedup_key: expectedKey, event_action: 'trigger', client: 'Alertmanager' });
    expect(trigger.payload).toMatchObject({ summary: '[FIRING:1] FreezerWarm (critical)', source: 'Alertmanager', severity: 'critical' });
    expect(trigger.payload.custom_details).toMatchObject({ num_firing: '1', num_resolved: '0' });
    expect(resolve).toMatchObject({ dedup_key: expectedKey, event_action: 'resolve' });
    expect(dedupKey('{}:{alertname="A"}')).toHaveLength(64);
  });

  test('routing_key_file is read at send time; severity defaults to error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pd-'));
    writeFileSync(join(dir, 'key'), `${ROUTING_KEY}\n`);
    await create({ routing_key_file: join(dir, 'key'), url: `${svc.url}/v2/enqueue` }).notify(testContext(), [testAlert()]);
    const body = JSON.parse(svc.requests.at(-1)!.body);
    expect(body.routing_key).toBe(ROUTING_KEY);
    expect(body.payload.severity).toBe('error');
  });

  test('service_key sends Events API v1 events; 403 is retried there', async () => {
    svc.respondWith(200, '{"status":"success"}');
    const n = create({ service_key: 'v1-s3rv1ce-key-secret', url: `${svc.url}/generic/2010-04-15/create_event.json` });
    const ctx = testContext();
    await n.notify(ctx, [testAlert()]);
    await n.notify(ctx, [testAlert(undefined, true)]);
    const [trigger, resolve] = svc.requests.slice(-2).map((r) => JSON.parse(r.body));
    expect(trigger).toMatchObject({ service_key: 'v1-s3rv1ce-key-secret', incident_key: dedupKey(ctx.groupKey), event_type: 'trigger', description: '[FIRING:1] FreezerWarm (store-1)', client: 'Alertmanager' });
    expect(trigger.details.num_firing).toBe('1');
    expect(trigger.payload).toBeNull();
    expect(resolve).toMatchObject({ event_type: 'resolve' });
    expect(resolve.client).toBeUndefined();
    svc.respondWith(403, 'rate limited');
    const err = await n.notify(ctx, [testAlert()]).then(() => undefined, (e: unknown) => e as { retryable: boolean; message: string });
    expect(err!.retryable).toBe(true);
    expect(err!.message).not.toContain('v1-s3rv1ce-key-secret');
  });

  test('the summary is cut to 1024 runes as Alertmanager does', () => {
    const body = create({ routing_key: ROUTING_KEY, description: 'x'.repeat(2000) }).payload(testContext(), [testAlert()], ROUTING_KEY);
    const summary = (body.payload as { summary: string }).summary;
    expect([...summary]).toHaveLength(1024);
    expect(summary.endsWith('…')).toBe(true);
  });
});

describe('pagerduty_configs validation', () => {
  test.each([
    [{}, 'missing service or routing key in PagerDuty config'],
    [{ service_key: 'a', service_key_file: '/f' }, 'at most one of service_key & service_key_file'],
    [{ routing_key: 'a', routing_key_file: '/f' }, 'at most one of routing_key & routing_key_file'],
    [{ routing_key: 'a', url: 'ftp://x' }, 'pagerduty_configs[0].url: unsupported scheme'],
    [{ routing_key: 'a', details: { x: '{{ nosuch }}' } }, 'pagerduty_configs[0].details.x: invalid template'],
    [{ routing_key: 'a', severity: '{{ if }}' }, 'pagerduty_configs[0].severity: invalid template'],
  ])('%j is rejected', (raw, message) => {
    expect(() => parsePagerdutyConfig(raw, global, 'receivers[0].pagerduty_configs[0]')).toThrow(message);
  });

  test('url defaults to global pagerduty_url; default details are merged under custom ones', () => {
    const cfg = parsePagerdutyConfig({ routing_key: 'a', details: { firing: 'mine' } }, global, 'p');
    expect(cfg.url).toBe('https://events.pagerduty.com/v2/enqueue');
    expect(cfg.details.firing).toBe('mine');
    expect(cfg.details.num_resolved).toBe('{{ .Alerts.Resolved | len }}');
    expect(cfg.sendResolved).toBe(true);
    expect(parsePagerdutyConfig({ service_key: 'k' }, global, 'p').url).toBe('https://events.pagerduty.com/generic/2010-04-15/create_event.json');
  });
});
