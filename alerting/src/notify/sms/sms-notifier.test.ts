import { parseGlobal } from '../../config/global-config';
import { describeHttpConformance, startLocalService, testAlert, testContext, type LocalService } from '../testing/conformance';
import { parseSmsConfig } from './sms-config';
import { SmsNotifier } from './sms-notifier';

const global = parseGlobal({});
const PATH = '/send?api_key=smsSECRETkey';
const create = (raw: Record<string, unknown>) => new SmsNotifier(parseSmsConfig({ to: ['+447700900123'], ...raw }, global, 'receivers[0].sms_configs[0]'), []);

describeHttpConformance({
  integration: 'sms',
  secretPath: PATH,
  secrets: ['smsSECRETkey'],
  create: (url) => create({ url }),
});

describe('sms notifier against a local gateway', () => {
  let svc: LocalService;
  beforeAll(async () => {
    svc = await startLocalService();
  });
  afterAll(() => svc.close());

  test('posts the documented payload with basic auth', async () => {
    svc.respondWith(200);
    const n = create({ url: `${svc.url}/send`, to: ['+447700900123', '+14155550100'], channel: 'voice', http_config: { basic_auth: { username: 'ft', password: 'pw' } } });
    await n.notify(testContext(), [testAlert()]);
    const req = svc.requests.at(-1)!;
    expect(req.headers.authorization).toBe(`Basic ${Buffer.from('ft:pw').toString('base64')}`);
    expect(JSON.parse(req.body)).toEqual({
      version: '1',
      channel: 'voice',
      to: ['+447700900123', '+14155550100'],
      message: '[FIRING:1] FreezerWarm (store-1) Freezer above -15°C',
      truncated: false,
      status: 'firing',
      receiver: 'team-a',
      groupKey: '{}:{alertname="FreezerWarm"}',
      numFiring: 1,
      numResolved: 0,
      externalURL: 'http://router.example:9093',
    });
  });

  test('long messages are cut to max_length runes and flagged', () => {
    const body = create({ url: 'http://x/', message: '{{ range $i, $e := .Alerts }}{{ end }}' + 'a'.repeat(100), max_length: 30 }).payload(testContext(), [testAlert()]);
    expect([...(body.message as string)]).toHaveLength(30);
    expect(body.truncated).toBe(true);
  });

  test.each([
    [{ to: [] }, 'receivers[0].sms_configs[0].to: at least one phone number is required'],
    [{ to: ['07700900123'] }, 'receivers[0].sms_configs[0].to[0]: "07700900123" is not an E.164 phone number'],
    [{ channel: 'pager' }, 'receivers[0].sms_configs[0].channel: must be "sms" or "voice"'],
    [{ message: '{{ template }}' }, 'receivers[0].sms_configs[0].message: invalid template'],
  ])('%j is rejected', (raw, message) => {
    expect(() => parseSmsConfig({ url: 'http://x/', to: ['+447700900123'], ...raw }, global, 'receivers[0].sms_configs[0]')).toThrow(message);
  });
});
