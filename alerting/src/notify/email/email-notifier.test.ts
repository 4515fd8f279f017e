import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseGlobal } from '../../config/global-config';
import { NotifyError } from '../notifier';
import { testAlert, testContext } from '../testing/conformance';
import { makeSelfSignedCert, parseMail, startSmtpSink, type SelfSignedCert, type SmtpSink } from '../testing/smtp-sink';
import { parseEmailConfig } from './email-config';
import { EmailNotifier } from './email-notifier';

/** Email against a real local SMTP server (smtp-server) with STARTTLS and AUTH. */
const PASSWORD = 'p4ssw0rd-secret';
let cert: SelfSignedCert;
let tlsAuth: SmtpSink;
let plain: SmtpSink;

const global = parseGlobal({ smtp_from: 'freshtrack@example.com' });
const create = (raw: Record<string, unknown>) => new EmailNotifier(parseEmailConfig({ to: 'ops@example.com', ...raw }, global, 'receivers[0].email_configs[0]'), []);
const failure = (p: Promise<void>) => p.then(() => undefined, (e: unknown) => e as NotifyError);

beforeAll(async () => {
  cert = makeSelfSignedCert();
  tlsAuth = await startSmtpSink({ tls: cert, users: { alerts: PASSWORD } });
  plain = await startSmtpSink();
});

afterAll(async () => {
  await tlsAuth?.close();
  await plain?.close();
  if (cert) rmSync(cert.dir, { recursive: true, force: true });
});

const secureCfg = (extra: Record<string, unknown> = {}) => ({
  smarthost: `127.0.0.1:${tlsAuth.port}`,
  auth_username: 'alerts',
  auth_password: PASSWORD,
  tls_config: { ca_file: cert.certFile, server_name: 'localhost' },
  ...extra,
});

test('STARTTLS + AUTH: the message arrives encrypted, authenticated, with the default subject and HTML', async () => {
  await create(secureCfg({ hello: 'freshtrack.example', headers: { 'x-site': '{{ .CommonLabels.site }}' }, text: '{{ template "__text_alert_list" .Alerts }}' })).notify(testContext(), [testAlert()]);
  const mail = tlsAuth.mails.at(-1)!;
  expect(mail.hello).toBe('freshtrack.example');
  expect(mail.secure).toBe(true);
  expect(mail.user).toBe('alerts');
  expect(mail.from).toBe('freshtrack@example.com');
  expect(mail.to).toEqual(['ops@example.com']);
  const parsed = parseMail(mail.raw);
  expect(parsed.headers.subject).toBe('[FIRING:1] FreezerWarm (store-1)');
  expect(parsed.headers['x-site']).toBe('store-1');
  expect(parsed.text).toContain(' - site = store-1\n');
  expect(parsed.html).toContain('View in Alertmanager');
  expect(parsed.html).toContain('Freezer above -15°C');
});

test('auth_password_file is read at send time', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'smtp-pw-'));
  writeFileSync(join(dir, 'pw'), `${PASSWORD}\n`);
  const n = create(secureCfg({ auth_password: undefined, auth_password_file: join(dir, 'pw') }));
  const before = tlsAuth.mails.length;
  await n.notify(testContext(), [testAlert()]);
  expect(tlsAuth.mails.length).toBe(before + 1);
  rmSync(dir, { recursive: true, force: true });
});

test('a wrong password is final and the password never appears in the error', async () => {
  const err = await failure(create(secureCfg({ auth_password: 'wrong-secret-pw' })).notify(testContext(), [testAlert()]));
  expect(err).toBeInstanceOf(NotifyError);
  expect(err!.retryable).toBe(false);
  expect(err!.message).toMatch(/535/);
  expect(err!.message).not.toContain('wrong-secret-pw');
  expect(err!.message).not.toContain(PASSWORD);
});

test('an untrusted certificate is refused unless insecure_skip_verify', async () => {
  const untrusted = await failure(create(secureCfg({ tls_config: {} })).notify(testContext(), [testAlert()]));
  expect(untrusted).toBeInstanceOf(NotifyError);
  expect(untrusted!.retryable).toBe(true);
  await expect(create(secureCfg({ tls_config: { insecure_skip_verify: true } })).notify(testContext(), [testAlert()])).resolves.toBeUndefined();
});

test('require_tls (the default) refuses a server without STARTTLS', async () => {
  const err = await failure(create({ smarthost: `127.0.0.1:${plain.port}` }).notify(testContext(), [testAlert()]));
  expect(err).toBeInstanceOf(NotifyError);
  expect(plain.mails).toHaveLength(0);
});

test('require_tls: false sends in clear to a server without STARTTLS', async () => {
  await create({ smarthost: `127.0.0.1:${plain.port}`, require_tls: false }).notify(testContext(), [testAlert()]);
  expect(plain.mails.at(-1)!.secure).toBe(false);
});

test('SMTP 5xx replies are final, 4xx are retried', async () => {
  const n = create({ smarthost: `127.0.0.1:${plain.port}`, require_tls: false });
  plain.rejectRecipientWith = 550;
  const permanent = await failure(n.notify(testContext(), [testAlert()]));
  plain.rejectRecipientWith = 451;
  const transient = await failure(n.notify(testContext(), [testAlert()]));
  plain.rejectRecipientWith = undefined;
  expect(permanent!.retryable).toBe(false);
  expect(permanent!.reason).toBe('clientError');
  expect(transient!.retryable).toBe(true);
  expect(transient!.reason).toBe('serverError');
});

test('a refused connection is a retryable network error', async () => {
  const gone = await startSmtpSink();
  await gone.close();
  const err = await failure(create({ smarthost: `127.0.0.1:${gone.port}`, require_tls: false }).notify(testContext(), [testAlert()]));
  expect(err!.retryable).toBe(true);
  expect(err!.reason).toBe('network');
});

describe('email_configs validation', () => {
  test.each([
    [{ to: '' }, 'receivers[0].email_configs[0].to: missing to address in email config'],
    [{ smarthost: 'mail.example.com' }, 'receivers[0].email_configs[0].smarthost: address mail.example.com: missing port in address'],
    [{ headers: { subject: 'a', Subject: 'b' } }, 'duplicate header "Subject" in email config'],
    [{ html: '{{ template "nope" }' }, 'receivers[0].email_configs[0].html: invalid template'],
    [{ smarthost: 'a:25', auth_password: 'x', auth_password_file: '/f' }, 'at most one of auth_password & auth_password_file'],
  ])('%j is rejected', (raw, message) => {
    expect(() => parseEmailConfig({ to: 'ops@example.com', smarthost: 'mail.example.com:25', ...raw }, global, 'receivers[0].email_configs[0]')).toThrow(message);
  });

  test('globals fill from, smarthost, hello and require_tls', () => {
    const cfg = parseEmailConfig({ to: 'a@example.com' }, parseGlobal({ smtp_from: 'f@example.com', smtp_smarthost: 'relay:587', smtp_hello: 'ft' }), 'p');
    expect(cfg).toMatchObject({ from: 'f@example.com', smarthost: { host: 'relay', port: 587 }, hello: 'ft', requireTls: true, sendResolved: false });
    expect(cfg.headers).toMatchObject({ Subject: '{{ template "email.default.subject" . }}', To: 'a@example.com', From: 'f@example.com' });
  });
});
