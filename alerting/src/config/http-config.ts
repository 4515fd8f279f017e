import { ConfigFileError } from './config-file-error';
import { child, optBool, optString, parseHttpUrl, strictMap, type RawMap } from './fields';

/** HttpClientConfig is the subset of Prometheus' common HTTP client config the router honours. */
export interface HttpClientConfig {
  basicAuth?: { username: string; password?: string; passwordFile?: string };
  authorization?: { type: string; credentials?: string; credentialsFile?: string };
  bearerToken?: string;
  bearerTokenFile?: string;
  proxyUrl?: string;
  tlsConfig?: RawMap;
  followRedirects: boolean;
  enableHttp2: boolean;
}

const FIELDS = [
  'basic_auth',
  'authorization',
  'bearer_token',
  'bearer_token_file',
  'proxy_url',
  'tls_config',
  'follow_redirects',
  'enable_http2',
  'oauth2',
  'no_proxy',
  'proxy_from_environment',
  'proxy_connect_header',
];
const TLS_FIELDS = ['ca_file', 'cert_file', 'key_file', 'ca', 'cert', 'key', 'server_name', 'insecure_skip_verify', 'min_version', 'max_version'];

export const DEFAULT_HTTP_CONFIG: HttpClientConfig = { followRedirects: true, enableHttp2: true };

/** parseHttpConfig validates an `http_config` block with Prometheus' rules (one auth method). */
export function parseHttpConfig(raw: unknown, path: string): HttpClientConfig {
  const map = strictMap(raw, path, FIELDS);
  if (map.oauth2 !== undefined) throw new ConfigFileError(child(path, 'oauth2'), 'oauth2 is not supported by this router');
  const cfg: HttpClientConfig = {
    followRedirects: optBool(map, 'follow_redirects', path) ?? true,
    enableHttp2: optBool(map, 'enable_http2', path) ?? true,
  };
  if (map.basic_auth !== undefined) {
    const p = child(path, 'basic_auth');
    const b = strictMap(map.basic_auth, p, ['username', 'password', 'password_file']);
    cfg.basicAuth = { username: optString(b, 'username', p) ?? '', password: optString(b, 'password', p), passwordFile: optString(b, 'password_file', p) };
    if (cfg.basicAuth.password && cfg.basicAuth.passwordFile)
      throw new ConfigFileError(p, 'at most one of basic_auth password & password_file must be configured');
  }
  if (map.authorization !== undefined) {
    const p = child(path, 'authorization');
    const a = strictMap(map.authorization, p, ['type', 'credentials', 'credentials_file']);
    const type = optString(a, 'type', p) || 'Bearer';
    if (type.toLowerCase() === 'basic') throw new ConfigFileError(child(p, 'type'), 'authorization type cannot be set to "basic", use "basic_auth" instead');
    cfg.authorization = { type, credentials: optString(a, 'credentials', p), credentialsFile: optString(a, 'credentials_file', p) };
    if (cfg.authorization.credentials && cfg.authorization.credentialsFile)
      throw new ConfigFileError(p, 'at most one of authorization credentials & credentials_file must be configured');
  }
  cfg.bearerToken = optString(map, 'bearer_token', path);
  cfg.bearerTokenFile = optString(map, 'bearer_token_file', path);
  const authCount = [cfg.basicAuth, cfg.authorization, cfg.bearerToken || cfg.bearerTokenFile].filter(Boolean).length;
  if (authCount > 1) throw new ConfigFileError(path, 'at most one of basic_auth, authorization & bearer_token must be configured');
  if (cfg.bearerToken && cfg.bearerTokenFile) throw new ConfigFileError(path, 'at most one of bearer_token & bearer_token_file must be configured');
  cfg.proxyUrl = parseHttpUrl(optString(map, 'proxy_url', path), child(path, 'proxy_url'));
  if (map.tls_config !== undefined) cfg.tlsConfig = strictMap(map.tls_config, child(path, 'tls_config'), TLS_FIELDS);
  return cfg;
}

/** marshalHttpConfig renders the config as Alertmanager re-marshals it, secrets hidden. */
export function marshalHttpConfig(cfg: HttpClientConfig): RawMap {
  const out: RawMap = {};
  if (cfg.basicAuth) {
    const b: RawMap = { username: cfg.basicAuth.username };
    if (cfg.basicAuth.password) b.password = '<secret>';
    if (cfg.basicAuth.passwordFile) b.password_file = cfg.basicAuth.passwordFile;
    out.basic_auth = b;
  }
  if (cfg.authorization) {
    const a: RawMap = { type: cfg.authorization.type };
    if (cfg.authorization.credentials) a.credentials = '<secret>';
    if (cfg.authorization.credentialsFile) a.credentials_file = cfg.authorization.credentialsFile;
    out.authorization = a;
  }
  if (cfg.bearerToken) out.bearer_token = '<secret>';
  if (cfg.bearerTokenFile) out.bearer_token_file = cfg.bearerTokenFile;
  if (cfg.proxyUrl) out.proxy_url = cfg.proxyUrl;
  if (cfg.tlsConfig) out.tls_config = cfg.tlsConfig;
  out.follow_redirects = cfg.followRedirects;
  out.enable_http2 = cfg.enableHttp2;
  return out;
}
