import { parseGlobal } from '../../config/global-config';
import { describeHttpConformance, startLocalService, testAlert, testContext, type LocalService } from '../testing/conformance';
import { parseMsteamsConfig } from './msteams-config';
import { MsteamsNotifier } from './msteams-notifier';

const HOOK = '/webhookb2/0000-aaaa@bbbb/IncomingWebhook/secretT0KEN/cccc';
const global = parseGlobal({});
const create = (raw: Record<string, unknown>) => new MsteamsNotifier(parseMsteamsConfig(raw, global, 'receivers[0].msteams_configs[0]'), []);

describeHttpConformance({
  integration: 'msteams',
  secretPath: HOOK,
  secrets: [HOOK, 'secretT0KEN'],
  create: (url) => create({ webhook_url: url }),
});

describe('msteams notifier against a local Teams connector server', () => {
  let svc: LocalService;
  beforeAll(async () => {
    svc = await startLocalService();
  });
  afterAll(() => svc.close());

  test('posts the MessageCard of Alertmanager 0.26 with red/green theme', async () => {
    svc.respondWith(200, '1');
    const n = create({ webhook_url: `${svc.url}${HOOK}` });
    await n.notify(testContext(), [testAlert()]);
    await n.notify(testContext(), [testAlert(undefined, true)]);
    const [firing, resolved] = svc.requests.slice(-2).map((r) => JSON.parse(r.body));
    expect(firing).toEqual({
      '@context': 'http://schema.org/extensions',
      type: 'MessageCard',
      title: '[FIRING:1] FreezerWarm (store-1)',
      summary: '[FIRING:1] FreezerWarm (store-1)',
      text: expect.stringContaining('# Alerts Firing:\n\nLabels:\n  - alertname = FreezerWarm\n  - site = store-1\n'),
      themeColor: '8C1A1A',
    });
    expect(resolved.themeColor).toBe('2DC72D');
    expect(resolved.text).toContain('# Alerts Resolved:');
  });

  test('config errors name the field', () => {
    expect(() => parseMsteamsConfig({}, global, 'r.msteams_configs[0]')).toThrow('r.msteams_configs[0]: one of webhook_url or webhook_url_file must be configured');
    expect(() => parseMsteamsConfig({ webhook_url: 'http://x/', text: '{{ .A ' }, global, 'r.msteams_configs[0]')).toThrow('r.msteams_configs[0].text: invalid template');
  });
});
