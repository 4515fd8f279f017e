import { ConfigFileError } from '../../config/config-file-error';
import { child, optBool, optInt, optString, parseHttpUrl, strictMap, type RawMap } from '../../config/fields';
import { marshalHttpConfig, parseHttpConfig, type HttpClientConfig } from '../../config/http-config';
import type { GlobalConfig } from '../../config/global-config';

/** WebhookConfig is one entry of a receiver's `webhook_configs`. */
export interface WebhookConfig {
  sendResolved: boolean;
  httpConfig: HttpClientConfig;
  url?: string;
  urlFile?: string;
  maxAlerts: number;
}

/** parseWebhookConfig validates a webhook entry; `send_resolved` defaults to true. */
export function parseWebhookConfig(raw: unknown, global: GlobalConfig, path: string): WebhookConfig {
  const map = strictMap(raw, path, ['send_resolved', 'http_config', 'url', 'url_file', 'max_alerts']);
  const url = parseHttpUrl(optString(map, 'url', path), child(path, 'url'));
  const urlFile = optString(map, 'url_file', path);
  if (!url && !urlFile) throw new ConfigFileError(path, 'one of url or url_file must be configured');
  if (url && urlFile) throw new ConfigFileError(path, 'at most one of url & url_file must be configured');
  const maxAlerts = optInt(map, 'max_alerts', path) ?? 0;
  if (maxAlerts < 0) throw new ConfigFileError(child(path, 'max_alerts'), 'cannot be negative');
  return {
    sendResolved: optBool(map, 'send_resolved', path) ?? true,
    httpConfig: map.http_config === undefined ? { ...global.httpConfig } : parseHttpConfig(map.http_config, child(path, 'http_config')),
    url,
    urlFile,
    maxAlerts,
  };
}

/** marshalWebhookConfig renders the entry in Alertmanager's field order. */
export function marshalWebhookConfig(cfg: WebhookConfig): RawMap {
  const out: RawMap = { send_resolved: cfg.sendResolved, http_config: marshalHttpConfig(cfg.httpConfig) };
  if (cfg.url) out.url = cfg.url;
  if (cfg.urlFile) out.url_file = cfg.urlFile;
  out.max_alerts = cfg.maxAlerts;
  return out;
}
