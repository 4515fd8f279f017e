import { ConfigFileError } from './config-file-error';
import { parseDuration, formatDuration } from './duration';
import { child, strictMap, type RawMap } from './fields';
import { DEFAULT_HTTP_CONFIG, marshalHttpConfig, parseHttpConfig, type HttpClientConfig } from './http-config';

/**
 * GlobalConfig is the `global:` block. Integration defaults (smtp_*, slack_api_url…) are kept
 * in `values` keyed by their YAML name, defaults filled in, for the notifiers to read.
 */
export interface GlobalConfig {
  resolveTimeoutMs: number;
  httpConfig: HttpClientConfig;
  values: Record<string, string | boolean | undefined>;
}

/** GLOBAL_FIELDS lists the global keys in Alertmanager 0.25's marshal order, with defaults. */
const GLOBAL_FIELDS: [string, string | boolean | undefined, 'string' | 'bool' | 'secret'][] = [
  ['smtp_from', undefined, 'string'],
  ['smtp_hello', 'localhost', 'string'],
  ['smtp_smarthost', undefined, 'string'],
  ['smtp_auth_username', undefined, 'string'],
  ['smtp_auth_password', undefined, 'secret'],
  ['smtp_auth_secret', undefined, 'secret'],
  ['smtp_auth_identity', undefined, 'string'],
  ['smtp_require_tls', true, 'bool'],
  ['slack_api_url', undefined, 'secret'],
  ['slack_api_url_file', undefined, 'string'],
  ['pagerduty_url', 'https://events.pagerduty.com/v2/enqueue', 'string'],
  ['opsgenie_api_url', 'https://api.opsgenie.com/', 'string'],
  ['opsgenie_api_key', undefined, 'secret'],
  ['opsgenie_api_key_file', undefined, 'string'],
  ['wechat_api_url', 'https://qyapi.weixin.qq.com/cgi-bin/', 'string'],
  ['wechat_api_secret', undefined, 'secret'],
  ['wechat_api_corp_id', undefined, 'string'],
  ['victorops_api_url', 'https://alert.victorops.com/integrations/generic/20131114/alert/', 'string'],
  ['victorops_api_key', undefined, 'secret'],
  ['telegram_api_url', 'https://api.telegram.org', 'string'],
  ['webex_api_url', 'https://webexapis.com/v1/messages', 'string'],
];

export const DEFAULT_RESOLVE_TIMEOUT_MS = 5 * 60_000;

/** parseGlobal applies Alertmanager's global defaults and rejects unknown keys. */
export function parseGlobal(raw: unknown): GlobalConfig {
  const path = 'global';
  const map = strictMap(raw, path, ['resolve_timeout', 'http_config', ...GLOBAL_FIELDS.map(([k]) => k)]);
  const values: GlobalConfig['values'] = {};
  for (const [key, def, kind] of GLOBAL_FIELDS) {
    const v = map[key];
    if (v === undefined || v === null) values[key] = def;
    else if (kind === 'bool') {
      if (typeof v !== 'boolean') throw new ConfigFileError(child(path, key), 'expected a boolean');
      values[key] = v;
    } else values[key] = String(v);
  }
  const rt = map.resolve_timeout;
  return {
    resolveTimeoutMs: rt === undefined || rt === null ? DEFAULT_RESOLVE_TIMEOUT_MS : parseDuration(String(rt), child(path, 'resolve_timeout')),
    httpConfig: map.http_config === undefined ? { ...DEFAULT_HTTP_CONFIG } : parseHttpConfig(map.http_config, child(path, 'http_config')),
    values,
  };
}

/** marshalGlobal renders `global` as Alertmanager's config.original does. */
export function marshalGlobal(g: GlobalConfig): RawMap {
  const out: RawMap = { resolve_timeout: formatDuration(g.resolveTimeoutMs), http_config: marshalHttpConfig(g.httpConfig) };
  for (const [key, , kind] of GLOBAL_FIELDS) {
    const v = g.values[key];
    if (v === undefined || v === '') continue;
    out[key] = kind === 'secret' ? '<secret>' : v;
  }
  return out;
}
