import { ConfigFileError } from '../../config/config-file-error';
import { child, optBool, optList, optString, optStringList, parseHttpUrl, strictMap, type RawMap } from '../../config/fields';
import type { GlobalConfig } from '../../config/global-config';
import { marshalHttpConfig, parseHttpConfig, type HttpClientConfig } from '../../config/http-config';
import { checkTemplateField } from '../../template/field-templates';

export interface SlackField {
  title: string;
  value: string;
  short?: boolean;
}

export interface SlackAction {
  type: string;
  text: string;
  url?: string;
  style?: string;
  name?: string;
  value?: string;
  confirm?: { text?: string; title?: string; ok_text?: string; dismiss_text?: string };
}

/** TEMPLATED_FIELDS are the slack_configs strings rendered per notification, with 0.25's defaults. */
export const SLACK_DEFAULTS = {
  channel: '',
  username: '{{ template "slack.default.username" . }}',
  color: '{{ if eq .Status "firing" }}danger{{ else }}good{{ end }}',
  title: '{{ template "slack.default.title" . }}',
  title_link: '{{ template "slack.default.titlelink" . }}',
  pretext: '{{ template "slack.default.pretext" . }}',
  text: '{{ template "slack.default.text" . }}',
  footer: '{{ template "slack.default.footer" . }}',
  fallback: '{{ template "slack.default.fallback" . }}',
  callback_id: '{{ template "slack.default.callbackid" . }}',
  icon_emoji: '{{ template "slack.default.iconemoji" . }}',
  icon_url: '{{ template "slack.default.iconurl" . }}',
  image_url: '',
  thumb_url: '',
};
export type SlackTemplateKey = keyof typeof SLACK_DEFAULTS;

/** SlackConfig is one `slack_configs` entry after defaults (global slack_api_url included). */
export interface SlackConfig {
  /** YAML path of the entry, so template errors found at create time name it. */
  path: string;
  sendResolved: boolean;
  httpConfig: HttpClientConfig;
  apiUrl?: string;
  apiUrlFile?: string;
  templates: Record<SlackTemplateKey, string>;
  fields: SlackField[];
  shortFields: boolean;
  linkNames: boolean;
  mrkdwnIn: string[];
  actions: SlackAction[];
}

const KEYS = ['send_resolved', 'http_config', 'api_url', 'api_url_file', 'fields', 'short_fields', 'link_names', 'mrkdwn_in', 'actions', ...Object.keys(SLACK_DEFAULTS)];

/** parseSlackConfig validates an entry as Alertmanager 0.25 does; `send_resolved` defaults to false. */
export function parseSlackConfig(raw: unknown, global: GlobalConfig, path: string): SlackConfig {
  const map = strictMap(raw, path, KEYS);
  let apiUrl = parseHttpUrl(optString(map, 'api_url', path), child(path, 'api_url'));
  let apiUrlFile = optString(map, 'api_url_file', path);
  if (apiUrl && apiUrlFile) throw new ConfigFileError(path, 'at most one of api_url & api_url_file must be configured');
  if (!apiUrl && !apiUrlFile) {
    apiUrl = global.values.slack_api_url as string | undefined;
    apiUrlFile = global.values.slack_api_url_file as string | undefined;
    if (!apiUrl && !apiUrlFile) throw new ConfigFileError(child(path, 'api_url'), 'no global Slack API URL set either inline or in a file');
  }
  const templates = { ...SLACK_DEFAULTS };
  for (const key of Object.keys(SLACK_DEFAULTS) as SlackTemplateKey[]) {
    const v = optString(map, key, path);
    if (v !== undefined) templates[key] = v;
    checkTemplateField(templates[key], child(path, key));
  }
  const fields = (optList(map, 'fields', path) ?? []).map((f, i) => parseField(f, child(child(path, 'fields'), i)));
  const actions = (optList(map, 'actions', path) ?? []).map((a, i) => parseAction(a, child(child(path, 'actions'), i)));
  return {
    path,
    sendResolved: optBool(map, 'send_resolved', path) ?? false,
    httpConfig: map.http_config === undefined ? { ...global.httpConfig } : parseHttpConfig(map.http_config, child(path, 'http_config')),
    apiUrl,
    apiUrlFile,
    templates,
    fields,
    shortFields: optBool(map, 'short_fields', path) ?? false,
    linkNames: optBool(map, 'link_names', path) ?? false,
    mrkdwnIn: optStringList(map, 'mrkdwn_in', path) ?? [],
    actions,
  };
}

function parseField(raw: unknown, path: string): SlackField {
  const m = strictMap(raw, path, ['title', 'value', 'short']);
  const title = optString(m, 'title', path);
  const value = optString(m, 'value', path);
  if (!title) throw new ConfigFileError(path, 'missing title in Slack field configuration');
  if (!value) throw new ConfigFileError(path, 'missing value in Slack field configuration');
  checkTemplateField(title, child(path, 'title'));
  checkTemplateField(value, child(path, 'value'));
  return { title, value, short: optBool(m, 'short', path) };
}

function parseAction(raw: unknown, path: string): SlackAction {
  const m = strictMap(raw, path, ['type', 'text', 'url', 'style', 'name', 'value', 'confirm']);
  const a: SlackAction = { type: optString(m, 'type', path) ?? '', text: optString(m, 'text', path) ?? '' };
  if (!a.type) throw new ConfigFileError(path, 'missing type in Slack action configuration');
  if (!a.text) throw new ConfigFileError(path, 'missing text in Slack action configuration');
  a.url = optString(m, 'url', path);
  a.name = optString(m, 'name', path);
  if (!a.url && !a.name) throw new ConfigFileError(path, 'missing name or url in Slack action configuration');
  a.style = optString(m, 'style', path);
  a.value = optString(m, 'value', path);
  if (m.confirm !== undefined) {
    const cp = child(path, 'confirm');
    const c = strictMap(m.confirm, cp, ['text', 'title', 'ok_text', 'dismiss_text']);
    a.confirm = { text: optString(c, 'text', cp), title: optString(c, 'title', cp), ok_text: optString(c, 'ok_text', cp), dismiss_text: optString(c, 'dismiss_text', cp) };
    if (!a.confirm.text) throw new ConfigFileError(cp, 'missing text in Slack confirmation configuration');
  }
  for (const k of ['type', 'text', 'url', 'style', 'name', 'value'] as const) checkTemplateField(a[k], child(path, k));
  return a;
}

/** marshalSlackConfig renders the entry for /api/v2/status, the API URL as `<secret>`. */
export function marshalSlackConfig(cfg: SlackConfig): RawMap {
  const out: RawMap = { send_resolved: cfg.sendResolved, http_config: marshalHttpConfig(cfg.httpConfig) };
  if (cfg.apiUrl) out.api_url = '<secret>';
  if (cfg.apiUrlFile) out.api_url_file = cfg.apiUrlFile;
  for (const [k, v] of Object.entries(cfg.templates)) if (v) out[k] = v;
  if (cfg.fields.length) out.fields = cfg.fields;
  out.short_fields = cfg.shortFields;
  out.link_names = cfg.linkNames;
  if (cfg.mrkdwnIn.length) out.mrkdwn_in = cfg.mrkdwnIn;
  if (cfg.actions.length) out.actions = cfg.actions;
  return out;
}
