import { parseGlobal } from '../../config/global-config';
import { ConfigFileError } from '../../config/config-file-error';
import { describeHttpConformance, startLocalService, testAlert, testContext, type LocalService } from '../testing/conformance';
import { parseWebhookConfig } from './webhook-config';
import { WebhookNotifier } from './webhook-notifier';

const SECRET_PATH = '/hooks/s3cr3t-token-in-path';
const global = parseGlobal({});
const create = (raw: Record<string, unknown>) => new WebhookNotifier(parseWebhookConfig(raw, global, 'receivers[0].webhook_configs[0]'));

describeHttpConformance({
  integration: 'webhook',
  secretPath: SECRET_PATH,
  secrets: [SECRET_PATH, 's3cr3t-token-in-path'],
  create: (url) => create({ url }),
});

describe('webhook notifier', () => {
  let svc: LocalService;
  beforeAll(async () => {
    svc = await startLocalService();
  });
  afterAll(() => svc.close());

  test('max_alerts truncates in payload order and reports truncatedAlerts', async () => {
    svc.respondWith(200);
    const alerts = ['a', 'b', 'c'].map((n) => testAlert({ alertname: 'X', n }));
    await create({ url: `${svc.url}/w`, max_alerts: 2 }).notify(testContext(), alerts);
    const body = JSON.parse(svc.requests.at(-1)!.body);
    expect(body.alerts.map((a: { labels: { n: string } }) => a.labels.n)).toEqual(['a', 'b']);
    expect(body.truncatedAlerts).toBe(1);
    expect(body.version).toBe('4');
    expect(body.alerts[0].endsAt).toBe('0001-01-01T00:00:00Z');
  });

  test('basic auth and bearer credentials come from http_config', async () => {
    svc.respondWith(200);
    await create({ url: `${svc.url}/b`, http_config: { basic_auth: { username: 'u', password: 'p' } } }).notify(testContext(), [testAlert()]);
    expect(svc.requests.at(-1)!.headers.authorization).toBe(`Basic ${Buffer.from('u:p').toString('base64')}`);
    await create({ url: `${svc.url}/t`, http_config: { authorization: { type: 'Bearer', credentials: 'tok' } } }).notify(testContext(), [testAlert()]);
    expect(svc.requests.at(-1)!.headers.authorization).toBe('Bearer tok');
  });

  test('config errors name the field', () => {
    expect(() => create({ url: 'http://x/', bogus: 1 })).toThrow(ConfigFileError);
    expect(() => create({ url: 'http://x/', bogus: 1 })).toThrow('receivers[0].webhook_configs[0].bogus');
    expect(() => create({})).toThrow('one of url or url_file must be configured');
    expect(() => create({ url: 'http://x/', http_config: { basic_auth: { username: 'u' }, bearer_token: 't' } })).toThrow(/at most one of basic_auth/);
  });
});
