import { ConfigFileError } from '../../config/config-file-error';
import { child, optBool, optString, strictMap, type RawMap } from '../../config/fields';
import type { GlobalConfig } from '../../config/global-config';
import { checkTemplateField } from '../../template/field-templates';

export interface EmailTlsConfig {
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  serverName?: string;
  insecureSkipVerify: boolean;
}

/** EmailConfig is one `email_configs` entry with the global smtp_* defaults applied. */
export interface EmailConfig {
  /** YAML path of the entry, so template errors found at create time name it. */
  path: string;
  sendResolved: boolean;
  to: string;
  from: string;
  hello: string;
  smarthost: { host: string; port: number };
  authUsername?: string;
  authPassword?: string;
  authPasswordFile?: string;
  authSecret?: string;
  authIdentity?: string;
  /** Canonical header name → template (Subject, To and From always present). */
  headers: Record<string, string>;
  html: string;
  text: string;
  requireTls: boolean;
  tls: EmailTlsConfig;
}

const KEYS = ['send_resolved', 'to', 'from', 'hello', 'smarthost', 'auth_username', 'auth_password', 'auth_password_file', 'auth_secret', 'auth_identity', 'headers', 'html', 'text', 'require_tls', 'tls_config'];

/** canonicalHeader is Go's http.CanonicalHeaderKey: `x-team` → `X-Team`. */
function canonicalHeader(h: string): string {
  return h.toLowerCase().replace(/(^|-)([a-z])/g, (_m, d: string, c: string) => d + c.toUpperCase());
}

export function parseSmarthost(value: string, path: string): { host: string; port: number } {
  const m = /^\[?([^\]]*?)\]?:([0-9]+)$/.exec(value);
  if (!m || !m[1]) throw new ConfigFileError(path, `address ${value}: missing port in address`);
  return { host: m[1], port: Number(m[2]) };
}

export function parseEmailConfig(raw: unknown, global: GlobalConfig, path: string): EmailConfig {
  const map = strictMap(raw, path, KEYS);
  const g = (k: string) => global.values[k] as string | undefined;
  const to = optString(map, 'to', path);
  if (!to) throw new ConfigFileError(child(path, 'to'), 'missing to address in email config');
  const from = optString(map, 'from', path) ?? g('smtp_from');
  if (!from) throw new ConfigFileError(child(path, 'from'), 'no global SMTP from set');
  const smarthostRaw = optString(map, 'smarthost', path) ?? g('smtp_smarthost');
  if (!smarthostRaw) throw new ConfigFileError(child(path, 'smarthost'), 'no global SMTP smarthost set');
  const headers: Record<string, string> = {};
  if (map.headers !== undefined) {
    const hp = child(path, 'headers');
    const h = strictMap(map.headers, hp, Object.keys(map.headers ?? {}));
    for (const k of Object.keys(h)) {
      const name = canonicalHeader(k);
      if (name in headers) throw new ConfigFileError(child(hp, k), `duplicate header "${name}" in email config`);
      headers[name] = optString(h, k, hp) ?? '';
    }
  }
  headers.Subject ??= '{{ template "email.default.subject" . }}';
  headers.To ??= to;
  headers.From ??= from;
  const html = optString(map, 'html', path) ?? '{{ template "email.default.html" . }}';
  const text = optString(map, 'text', path) ?? '';
  for (const [k, v] of Object.entries(headers)) checkTemplateField(v, child(child(path, 'headers'), k));
  checkTemplateField(html, child(path, 'html'));
  checkTemplateField(text, child(path, 'text'));
  checkTemplateField(to, child(path, 'to'));
  checkTemplateField(from, child(path, 'from'));
  const authPassword = optString(map, 'auth_password', path) ?? g('smtp_auth_password');
  const authPasswordFile = optString(map, 'auth_password_file', path);
  if (authPassword && authPasswordFile) throw new ConfigFileError(path, 'at most one of auth_password & auth_password_file must be configured');
  const tp = child(path, 'tls_config');
  const t = strictMap(map.tls_config, tp, ['ca_file', 'cert_file', 'key_file', 'server_name', 'insecure_skip_verify', 'min_version', 'max_version']);
  const globalRequireTls = global.values.smtp_require_tls;
  return {
    path,
    sendResolved: optBool(map, 'send_resolved', path) ?? false,
    to,
    from,
    hello: optString(map, 'hello', path) ?? g('smtp_hello') ?? 'localhost',
    smarthost: parseSmarthost(smarthostRaw, child(path, 'smarthost')),
    authUsername: optString(map, 'auth_username', path) ?? g('smtp_auth_username'),
    authPassword,
    authPasswordFile,
    authSecret: optString(map, 'auth_secret', path) ?? g('smtp_auth_secret'),
    authIdentity: optString(map, 'auth_identity', path) ?? g('smtp_auth_identity'),
    headers,
    html,
    text,
    requireTls: optBool(map, 'require_tls', path) ?? (typeof globalRequireTls === 'boolean' ? globalRequireTls : true),
    tls: {
      caFile: optString(t, 'ca_file', tp),
      certFile: optString(t, 'cert_file', tp),
      keyFile: optString(t, 'key_file', tp),
      serverName: optString(t, 'server_name', tp),
      insecureSkipVerify: optBool(t, 'insecure_skip_verify', tp) ?? false,
    },
  };
}

/** marshalEmailConfig renders the entry with passwords as `<secret>`. */
export function marshalEmailConfig(cfg: EmailConfig): RawMap {
  const out: RawMap = { send_resolved: cfg.sendResolved, to: cfg.to, from: cfg.from, hello: cfg.hello, smarthost: `${cfg.smarthost.host}:${cfg.smarthost.port}` };
  if (cfg.authUsername) out.auth_username = cfg.authUsername;
  if (cfg.authPassword) out.auth_password = '<secret>';
  if (cfg.authPasswordFile) out.auth_password_file = cfg.authPasswordFile;
  if (cfg.authSecret) out.auth_secret = '<secret>';
  if (cfg.authIdentity) out.auth_identity = cfg.authIdentity;
  out.headers = cfg.headers;
  out.html = cfg.html;
  if (cfg.text) out.text = cfg.text;
  out.require_tls = cfg.requireTls;
  out.tls_config = { insecure_skip_verify: cfg.tls.insecureSkipVerify };
  return out;
}
