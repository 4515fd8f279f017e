import { parseConfig } from '../src/config/config';
import { parseDuration, formatDuration } from '../src/config/duration';

const base = (route: string, extra = '') => `
route:
${route}
receivers:
- name: a
- name: b
  webhook_configs:
  - url: http://127.0.0.1:1/b
${extra}`;

describe('config loading', () => {
  test.each([
    ['1s', 1000],
    ['2500ms', 2500],
    ['1h30m', 5400000],
    ['1d', 86400000],
    ['0', 0],
  ])('duration %s', (text, ms) => {
    expect(parseDuration(text, 'x')).toBe(ms);
  });

  test('formatDuration round-trips', () => {
    expect(formatDuration(5400000)).toBe('1h30m');
    expect(formatDuration(300000)).toBe('5m');
    expect(formatDuration(0)).toBe('0s');
  });

  test.each([
    ['undefined receiver', base('  receiver: missing'), /undefined receiver "missing" used in route/],
    ['unknown field', base('  receiver: a\n  foo: 1'), /route\.foo: field foo not found/],
    ['bad matcher', base('  receiver: a\n  routes:\n  - matchers: [\'a=="b"\']'), /route\.routes\[0\]\.matchers\[0\]: matcher value contains unescaped double quote/],
    ['duplicate receiver', 'route: {receiver: a}\nreceivers: [{name: a}, {name: a}]', /notification config name "a" is not unique/],
    ['no root receiver', 'route: {group_wait: 1s}\nreceivers: [{name: a}]', /root route must specify a default receiver/],
    ['root matchers', base('  receiver: a\n  matchers: [x="1"]'), /root route must not have any matchers/],
    ['bad match_re', base('  receiver: a\n  routes:\n  - match_re: {x: "("}'), /error parsing regexp: missing closing \)/],
    ['undefined interval', base('  receiver: a\n  routes:\n  - mute_time_intervals: [nope]'), /undefined time interval "nope" used in route/],
    [
      'monday:sunday',
      base('  receiver: a', 'time_intervals:\n- name: t\n  time_intervals:\n  - weekdays: ["monday:sunday"]'),
      /start day cannot be before end day/,
    ],
    ['zero group_interval', base('  receiver: a\n  group_interval: 0s'), /group_interval cannot be zero/],
    ['bad duration', base('  receiver: a\n  group_wait: 5 minutes'), /not a valid duration string: "5 minutes"/],
    ['ftp webhook', 'route: {receiver: a}\nreceivers: [{name: a, webhook_configs: [{url: "ftp://x/y"}]}]', /unsupported scheme "ftp"/],
    ['yaml syntax', 'route: [', /yaml:/],
    ['bad inhibit matcher', base('  receiver: a', "inhibit_rules:\n- source_matchers: ['a==\"b\"']"), /inhibit_rules\[0\]\.source_matchers\[0\]/],
    ['unsupported integration', 'route: {receiver: a}\nreceivers: [{name: a, wechat_configs: [{}]}]', /receivers\[0\]\.wechat_configs: unsupported integration "wechat_configs"/],
  ])('rejects %s', (_name, yaml, message) => {
    expect(() => parseConfig(yaml)).toThrow(message);
  });

  test('accepts receivers with no integrations, unused receivers, inhibit rules without equal', () => {
    const cfg = parseConfig(base('  receiver: a', 'inhibit_rules:\n- source_matchers: [x="1"]\n  target_matchers: [y="2"]'));
    expect(cfg.receivers.map((r) => r.name)).toEqual(['a', 'b']);
    expect(cfg.inhibitRules[0].equal).toEqual([]);
    expect(cfg.global.resolveTimeoutMs).toBe(300000);
  });

  test('config.original matches Alertmanager for the minimal config', () => {
    const cfg = parseConfig(`route:
  receiver: a
  group_wait: 1s
  group_interval: 1s
  routes:
  - receiver: b
    matchers: [team="x"]
receivers:
- name: a
  webhook_configs:
  - url: http://127.0.0.1:1/a
- name: b
`);
    expect(cfg.original).toBe(`global:
  resolve_timeout: 5m
  http_config:
    follow_redirects: true
    enable_http2: true
  smtp_hello: localhost
  smtp_require_tls: true
  pagerduty_url: https://events.pagerduty.com/v2/enqueue
  opsgenie_api_url: https://api.opsgenie.com/
  wechat_api_url: https://qyapi.weixin.qq.com/cgi-bin/
  victorops_api_url: https://alert.victorops.com/integrations/generic/20131114/alert/
  telegram_api_url: https://api.telegram.org
  webex_api_url: https://webexapis.com/v1/messages
route:
  receiver: a
  continue: false
  routes:
  - receiver: b
    matchers:
    - team="x"
    continue: false
  group_wait: 1s
  group_interval: 1s
receivers:
- name: a
  webhook_configs:
  - send_resolved: true
    http_config:
      follow_redirects: true
      enable_http2: true
    url: http://127.0.0.1:1/a
    max_alerts: 0
- name: b
templates: []
`);
  });

  test('webhook secrets are hidden in config.original', () => {
    const cfg = parseConfig('route: {receiver: a}\nreceivers: [{name: a, webhook_configs: [{url: "http://x/", http_config: {authorization: {credentials: s3cret}}}]}]');
    expect(cfg.original).not.toContain('s3cret');
    expect(cfg.original).toContain('credentials: <secret>');
  });
});
