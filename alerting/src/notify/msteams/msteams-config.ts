import { ConfigFileError } from '../../config/config-file-error';
import { child, optBool, optString, parseHttpUrl, strictMap, type RawMap } from '../../config/fields';
import type { GlobalConfig } from '../../config/global-config';
import { marshalHttpConfig, parseHttpConfig, type HttpClientConfig } from '../../config/http-config';
import { checkTemplateField } from '../../template/field-templates';

/**
 * MsteamsConfig is one `msteams_configs` entry. Alertmanager 0.25 has no Teams integration
 * (it arrived in 0.26); fields and defaults follow 0.26's MSTeamsConfig.
 */
export interface MsteamsConfig {
  /** YAML path of the entry, so template errors found at create time name it. */
  path: string;
  sendResolved: boolean;
  httpConfig: HttpClientConfig;
  webhookUrl?: string;
  webhookUrlFile?: string;
  templates: { title: string; summary: string; text: string };
}

export function parseMsteamsConfig(raw: unknown, global: GlobalConfig, path: string): MsteamsConfig {
  const map = strictMap(raw, path, ['send_resolved', 'http_config', 'webhook_url', 'webhook_url_file', 'title', 'summary', 'text']);
  const webhookUrl = parseHttpUrl(optString(map, 'webhook_url', path), child(path, 'webhook_url'));
  const webhookUrlFile = optString(map, 'webhook_url_file', path);
  if (!webhookUrl && !webhookUrlFile) throw new ConfigFileError(path, 'one of webhook_url or webhook_url_file must be configured');
  if (webhookUrl && webhookUrlFile) throw new ConfigFileError(path, 'at most one of webhook_url & webhook_url_file must be configured');
  const templates = {
    title: optString(map, 'title', path) ?? '{{ template "msteams.default.title" . }}',
    summary: optString(map, 'summary', path) ?? '{{ template "msteams.default.summary" . }}',
    text: optString(map, 'text', path) ?? '{{ template "msteams.default.text" . }}',
  };
  for (const [k, v] of Object.entries(templates)) checkTemplateField(v, child(path, k));
  return {
    path,
    sendResolved: optBool(map, 'send_resolved', path) ?? true,
    httpConfig: map.http_config === undefined ? { ...global.httpConfig } : parseHttpConfig(map.http_config, child(path, 'http_config')),
    webhookUrl,
    webhookUrlFile,
    templates,
  };
}

export function marshalMsteamsConfig(cfg: MsteamsConfig): RawMap {
  const out: RawMap = { send_resolved: cfg.sendResolved, http_config: marshalHttpConfig(cfg.httpConfig) };
  if (cfg.webhookUrl) out.webhook_url = '<secret>';
  if (cfg.webhookUrlFile) out.webhook_url_file = cfg.webhookUrlFile;
  return { ...out, ...cfg.templates };
}
