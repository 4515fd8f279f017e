import { ConfigFileError } from '../../config/config-file-error';
import { child, optBool, optList, optString, parseHttpUrl, strictMap, type RawMap } from '../../config/fields';
import type { GlobalConfig } from '../../config/global-config';
import { marshalHttpConfig, parseHttpConfig, type HttpClientConfig } from '../../config/http-config';
import { checkTemplateField } from '../../template/field-templates';

/** DEFAULT_DETAILS are Alertmanager 0.25's default `details`, merged under the configured ones. */
export const DEFAULT_DETAILS: Record<string, string> = {
  firing: '{{ template "pagerduty.default.instances" .Alerts.Firing }}',
  resolved: '{{ template "pagerduty.default.instances" .Alerts.Resolved }}',
  num_firing: '{{ .Alerts.Firing | len }}',
  num_resolved: '{{ .Alerts.Resolved | len }}',
};

export interface PagerdutyConfig {
  /** YAML path of the entry, so template errors found at create time name it. */
  path: string;
  sendResolved: boolean;
  httpConfig: HttpClientConfig;
  routingKey?: string;
  routingKeyFile?: string;
  /** Events API v1 integration key; when set the notifier sends v1 events. */
  serviceKey?: string;
  serviceKeyFile?: string;
  url: string;
  templates: { client: string; client_url: string; description: string; severity: string; class: string; component: string; group: string; source: string };
  details: Record<string, string>;
  images: { src: string; alt: string; href: string }[];
  links: { href: string; text: string }[];
}

const TEMPLATE_KEYS = ['client', 'client_url', 'description', 'severity', 'class', 'component', 'group', 'source'] as const;

/** PAGERDUTY_V1_URL is where Alertmanager sends Events API v1 (`service_key`) events. */
export const PAGERDUTY_V1_URL = 'https://events.pagerduty.com/generic/2010-04-15/create_event.json';

/**
 * parsePagerdutyConfig validates a `pagerduty_configs` entry: Events API v2 with
 * `routing_key`, or the older v1 with `service_key`. Alertmanager always sends v1 events to
 * PagerDuty's fixed v1 URL; we honour an explicit `url` for v1 too (so it can be tested and
 * proxied) and otherwise use that same fixed URL.
 */
export function parsePagerdutyConfig(raw: unknown, global: GlobalConfig, path: string): PagerdutyConfig {
  const map = strictMap(raw, path, ['send_resolved', 'http_config', 'routing_key', 'routing_key_file', 'service_key', 'service_key_file', 'url', 'details', 'images', 'links', ...TEMPLATE_KEYS]);
  const routingKey = optString(map, 'routing_key', path);
  const routingKeyFile = optString(map, 'routing_key_file', path);
  const serviceKey = optString(map, 'service_key', path);
  const serviceKeyFile = optString(map, 'service_key_file', path);
  if (!routingKey && !routingKeyFile && !serviceKey && !serviceKeyFile) throw new ConfigFileError(path, 'missing service or routing key in PagerDuty config');
  if (routingKey && routingKeyFile) throw new ConfigFileError(path, 'at most one of routing_key & routing_key_file must be configured');
  if (serviceKey && serviceKeyFile) throw new ConfigFileError(path, 'at most one of service_key & service_key_file must be configured');
  const v1 = Boolean(serviceKey || serviceKeyFile);
  const explicitUrl = parseHttpUrl(optString(map, 'url', path), child(path, 'url'));
  const url = explicitUrl ?? (v1 ? PAGERDUTY_V1_URL : (global.values.pagerduty_url as string));
  const templates = {
    client: '{{ template "pagerduty.default.client" . }}',
    client_url: '{{ template "pagerduty.default.clientURL" . }}',
    description: '{{ template "pagerduty.default.description" .}}',
    severity: '',
    class: '',
    component: '',
    group: '',
    source: '',
  };
  for (const k of TEMPLATE_KEYS) {
    const v = optString(map, k, path);
    if (v !== undefined) templates[k] = v;
  }
  // Alertmanager: an empty source falls back to the client template.
  if (!templates.source) templates.source = templates.client;
  for (const k of TEMPLATE_KEYS) checkTemplateField(templates[k], child(path, k));
  const details: Record<string, string> = {};
  if (map.details !== undefined) {
    const dp = child(path, 'details');
    const d = strictMap(map.details, dp, Object.keys(map.details ?? {}));
    for (const k of Object.keys(d)) details[k] = optString(d, k, dp) ?? '';
  }
  for (const [k, v] of Object.entries(DEFAULT_DETAILS)) if (!(k in details)) details[k] = v;
  for (const [k, v] of Object.entries(details)) checkTemplateField(v, child(child(path, 'details'), k));
  const images = (optList(map, 'images', path) ?? []).map((raw, i) => {
    const p = child(child(path, 'images'), i);
    const m = strictMap(raw, p, ['src', 'alt', 'href']);
    const img = { src: optString(m, 'src', p) ?? '', alt: optString(m, 'alt', p) ?? '', href: optString(m, 'href', p) ?? '' };
    for (const [k, v] of Object.entries(img)) checkTemplateField(v, child(p, k));
    return img;
  });
  const links = (optList(map, 'links', path) ?? []).map((raw, i) => {
    const p = child(child(path, 'links'), i);
    const m = strictMap(raw, p, ['href', 'text']);
    const link = { href: optString(m, 'href', p) ?? '', text: optString(m, 'text', p) ?? '' };
    for (const [k, v] of Object.entries(link)) checkTemplateField(v, child(p, k));
    return link;
  });
  return {
    path,
    sendResolved: optBool(map, 'send_resolved', path) ?? true,
    httpConfig: map.http_config === undefined ? { ...global.httpConfig } : parseHttpConfig(map.http_config, child(path, 'http_config')),
    routingKey,
    routingKeyFile,
    serviceKey,
    serviceKeyFile,
    url,
    templates,
    details,
    images,
    links,
  };
}

/** marshalPagerdutyConfig renders the entry with the routing key as `<secret>`. */
export function marshalPagerdutyConfig(cfg: PagerdutyConfig): RawMap {
  const out: RawMap = { send_resolved: cfg.sendResolved, http_config: marshalHttpConfig(cfg.httpConfig) };
  if (cfg.routingKey) out.routing_key = '<secret>';
  if (cfg.routingKeyFile) out.routing_key_file = cfg.routingKeyFile;
  if (cfg.serviceKey) out.service_key = '<secret>';
  if (cfg.serviceKeyFile) out.service_key_file = cfg.serviceKeyFile;
  out.url = cfg.url;
  for (const [k, v] of Object.entries(cfg.templates)) if (v) out[k] = v;
  out.details = cfg.details;
  if (cfg.images.length) out.images = cfg.images;
  if (cfg.links.length) out.links = cfg.links;
  return out;
}
