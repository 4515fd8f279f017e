import { ConfigFileError } from '../../config/config-file-error';
import { child, optBool, optInt, optString, optStringList, parseHttpUrl, strictMap, type RawMap } from '../../config/fields';
import type { GlobalConfig } from '../../config/global-config';
import { marshalHttpConfig, parseHttpConfig, type HttpClientConfig } from '../../config/http-config';
import { checkTemplateField } from '../../template/field-templates';

/**
 * SmsConfig is one `sms_configs` entry: FreshTrack's generic SMS/voice webhook (not an
 * Alertmanager integration). The payload is documented in docs/receivers-sms.md.
 */
export interface SmsConfig {
  /** YAML path of the entry, so template errors found at create time name it. */
  path: string;
  sendResolved: boolean;
  httpConfig: HttpClientConfig;
  url?: string;
  urlFile?: string;
  to: string[];
  channel: 'sms' | 'voice';
  message: string;
  maxLength: number;
}

const E164 = /^\+[1-9][0-9]{6,14}$/;

export function parseSmsConfig(raw: unknown, global: GlobalConfig, path: string): SmsConfig {
  const map = strictMap(raw, path, ['send_resolved', 'http_config', 'url', 'url_file', 'to', 'channel', 'message', 'max_length']);
  const url = parseHttpUrl(optString(map, 'url', path), child(path, 'url'));
  const urlFile = optString(map, 'url_file', path);
  if (!url && !urlFile) throw new ConfigFileError(path, 'one of url or url_file must be configured');
  if (url && urlFile) throw new ConfigFileError(path, 'at most one of url & url_file must be configured');
  const to = optStringList(map, 'to', path) ?? [];
  if (to.length === 0) throw new ConfigFileError(child(path, 'to'), 'at least one phone number is required');
  to.forEach((n, i) => {
    if (!E164.test(n)) throw new ConfigFileError(child(child(path, 'to'), i), `"${n}" is not an E.164 phone number (+ and 7 to 15 digits)`);
  });
  const channel = optString(map, 'channel', path) ?? 'sms';
  if (channel !== 'sms' && channel !== 'voice') throw new ConfigFileError(child(path, 'channel'), `must be "sms" or "voice", got "${channel}"`);
  const message = optString(map, 'message', path) ?? '{{ template "sms.default.message" . }}';
  checkTemplateField(message, child(path, 'message'));
  const maxLength = optInt(map, 'max_length', path) ?? 480;
  if (maxLength < 20) throw new ConfigFileError(child(path, 'max_length'), 'must be at least 20');
  return {
    path,
    sendResolved: optBool(map, 'send_resolved', path) ?? true,
    httpConfig: map.http_config === undefined ? { ...global.httpConfig } : parseHttpConfig(map.http_config, child(path, 'http_config')),
    url,
    urlFile,
    to,
    channel,
    message,
    maxLength,
  };
}

export function marshalSmsConfig(cfg: SmsConfig): RawMap {
  const out: RawMap = { send_resolved: cfg.sendResolved, http_config: marshalHttpConfig(cfg.httpConfig) };
  if (cfg.url) out.url = '<secret>';
  if (cfg.urlFile) out.url_file = cfg.urlFile;
  return { ...out, to: cfg.to, channel: cfg.channel, message: cfg.message, max_length: cfg.maxLength };
}
