import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseGlobal } from '../../config/global-config';
import { ConfigFileError } from '../../config/config-file-error';
import { NotifyError } from '../notifier';
import { describeHttpConformance, startLocalService, testAlert, testContext, type LocalService } from '../testing/conformance';
import { parseSlackConfig } from './slack-config';
import { SlackNotifier } from './slack-notifier';

const TOKEN = '/services/T0001/B0001/XXXXsecretTOKEN';
const global = parseGlobal({});
const create = (raw: Record<string, unknown>, files: string[] = []) => new SlackNotifier(parseSlackConfig(raw, global, 'receivers[0].slack_configs[0]'), files);

describeHttpConformance({
  integration: 'slack',
  secretPath: TOKEN,
  secrets: [TOKEN, 'XXXXsecretTOKEN'],
  create: (url) => create({ api_url: url }),
});

describe('slack notifier against a local incoming-webhook server', () => {
  let svc: LocalService;
  beforeAll(async () => {
    svc = await startLocalService();
  });
  afterAll(() => svc.close());

  test('posts the default attachment as JSON with Alertmanager headers', async () => {
    svc.respondWith(200, 'ok');
    await create({ api_url: `${svc.url}${TOKEN}`, channel: '#cold-chain' }).notify(testContext(), [testAlert()]);
    const req = svc.requests.at(-1)!;
    expect(req.path).toBe(TOKEN);
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers['user-agent']).toBe('Alertmanager/0.25.0');
    const body = JSON.parse(req.body);
    expect(body.channel).toBe('#cold-chain');
    expect(body.username).toBe('Alertmanager');
    expect(body.attachments[0]).toMatchObject({
      title: '[FIRING:1] FreezerWarm (store-1)',
      title_link: 'http://router.example:9093/#/alerts?receiver=team-a',
      color: 'danger',
      fallback: '[FIRING:1] FreezerWarm (store-1) | http://router.example:9093/#/alerts?receiver=team-a',
      mrkdwn_in: ['fallback', 'pretext', 'text'],
    });
  });

  test('reads the URL from api_url_file at send time', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'slack-'));
    const file = join(dir, 'url');
    writeFileSync(file, `${svc.url}/from-file\n`);
    await create({ api_url_file: file }).notify(testContext(), [testAlert()]);
    expect(svc.requests.at(-1)!.path).toBe('/from-file');
  });

  test('resolved groups are green; titles are cut to 1024 runes', () => {
    const n = create({ api_url: 'http://x.example/', title: '{{ range $i, $e := stringSlice "a" }}{{ end }}' + 'é'.repeat(1100) });
    const body = n.payload(testContext(), [testAlert(undefined, true)]);
    const att = (body.attachments as Record<string, unknown>[])[0];
    expect(att.color).toBe('good');
    expect([...(att.title as string)]).toHaveLength(1024);
    expect((att.title as string).endsWith('…')).toBe(true);
  });

  test('a template failing while rendering is a final NotifyError with reason template', async () => {
    const err = await create({ api_url: `${svc.url}/x`, text: '{{ index .Alerts 3 }}' }).notify(testContext(), [testAlert()]).then(() => undefined, (e: unknown) => e as NotifyError);
    expect(err).toBeInstanceOf(NotifyError);
    expect(err!.retryable).toBe(false);
    expect(err!.reason).toBe('template');
    expect(err!.message).toContain('index out of range: 3');
  });

  test('templates from the config templates files are used, and re-read after an edit', () => {
    const dir = mkdtempSync(join(tmpdir(), 'slack-t-'));
    const file = join(dir, 'mine.tmpl');
    const title = (n: SlackNotifier) => (n.payload(testContext(), [testAlert()]).attachments as Record<string, unknown>[])[0].title;
    writeFileSync(file, '{{ define "slack.default.title" }}Site {{ .CommonLabels.site }}{{ end }}');
    expect(title(create({ api_url: 'http://x.example/' }, [file]))).toBe('Site store-1');
    writeFileSync(file, '{{ define "slack.default.title" }}Store {{ .CommonLabels.site }}{{ end }}');
    expect(title(create({ api_url: 'http://x.example/' }, [file]))).toBe('Store store-1');
    writeFileSync(file, '{{ define "slack.default.title" }}{{ .Status {{ end }}');
    expect(() => create({ api_url: 'http://x.example/' }, [file])).toThrow(/^templates: template: mine\.tmpl:1:\d+: /);
  });
});

describe('slack_configs validation', () => {
  test.each([
    [{}, 'receivers[0].slack_configs[0].api_url: no global Slack API URL set'],
    [{ api_url: 'ftp://x/' }, 'receivers[0].slack_configs[0].api_url: unsupported scheme "ftp"'],
    [{ api_url: 'http://x/', colour: 'red' }, 'receivers[0].slack_configs[0].colour: field colour not found'],
    [{ api_url: 'http://x/', title: '{{ .Status' }, 'receivers[0].slack_configs[0].title: invalid template'],
    [{ api_url: 'http://x/', text: '{{ date "x" }}' }, 'function "date" not defined'],
    [{ api_url: 'http://x/', fields: [{ title: 't' }] }, 'receivers[0].slack_configs[0].fields[0]: missing value in Slack field configuration'],
    [{ api_url: 'http://x/', actions: [{ type: 'button', text: 'x' }] }, 'missing name or url in Slack action configuration'],
  ])('%j is rejected', (raw, message) => {
    expect(() => parseSlackConfig(raw, global, 'receivers[0].slack_configs[0]')).toThrow(ConfigFileError);
    expect(() => parseSlackConfig(raw, global, 'receivers[0].slack_configs[0]')).toThrow(message);
  });

  test('global slack_api_url is the default; send_resolved defaults to false', () => {
    const cfg = parseSlackConfig({}, parseGlobal({ slack_api_url: 'https://hooks.example/T/B/C' }), 'p');
    expect(cfg.apiUrl).toBe('https://hooks.example/T/B/C');
    expect(cfg.sendResolved).toBe(false);
  });

  test('a template naming a template nobody defines fails when the notifier is created', () => {
    expect(() => create({ api_url: 'http://x/', title: '{{ template "team.title" . }}' })).toThrow(/^receivers\[0\]\.slack_configs\[0\]\.title: invalid template: .*no such template "team.title"/);
  });
});
