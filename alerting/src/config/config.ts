import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { ConfigFileError } from './config-file-error';
import { formatDuration } from './duration';
import { goYamlStringify } from './go-yaml';
import { child, optList, optStringList, optString, strictMap, type RawMap } from './fields';
import { marshalGlobal, parseGlobal, type GlobalConfig } from './global-config';
import { parseInhibitRule, type InhibitRuleConfig } from './inhibit-rule-config';
import { marshalReceiver, parseReceiver, type ReceiverConfig } from './receiver-config';
import { marshalRoute, parseRoute, type RouteConfig } from './route-config';
import { expandTemplateGlobs } from './template-globs';
import { checkRouteExtensions } from '../ack/route-extensions';
import { marshalTimeInterval } from './time-interval-marshal';
import { parseTimeInterval, type TimeInterval } from '../timeinterval/time-interval';

/** AlertmanagerConfig is a validated `alertmanager.yml`. */
export interface AlertmanagerConfig {
  global: GlobalConfig;
  route: RouteConfig;
  inhibitRules: InhibitRuleConfig[];
  receivers: ReceiverConfig[];
  templates: string[];
  /** Files the `templates` globs matched, for the template engine. */
  templateFiles: string[];
  /** Named intervals from `time_intervals` and the older `mute_time_intervals`. */
  timeIntervals: Map<string, TimeInterval[]>;
  /** The re-marshalled config with defaults, as `/api/v2/status` config.original. */
  original: string;
  /** Alertmanager's alertmanager_config_hash: 48 bits of the file's MD5. */
  hash: number;
}

const TOP_FIELDS = ['global', 'route', 'inhibit_rules', 'receivers', 'templates', 'mute_time_intervals', 'time_intervals'];

function parseIntervals(list: unknown[] | undefined, key: string, into: Map<string, TimeInterval[]>, order: { key: string; name: string }[]) {
  (list ?? []).forEach((raw, i) => {
    const path = child(key, i);
    const map = strictMap(raw, path, ['name', 'time_intervals']);
    const name = optString(map, 'name', path);
    if (!name) throw new ConfigFileError(child(path, 'name'), 'missing name in time interval');
    if (into.has(name)) throw new ConfigFileError(child(path, 'name'), `time interval "${name}" is not unique`);
    into.set(name, (optList(map, 'time_intervals', path) ?? []).map((ti, j) => parseTimeInterval(ti, child(child(path, 'time_intervals'), j))));
    order.push({ key, name });
  });
}

function checkRoutes(route: RouteConfig, path: string, receivers: Set<string>, intervals: Map<string, TimeInterval[]>) {
  if (route.receiver && !receivers.has(route.receiver)) throw new ConfigFileError(child(path, 'receiver'), `undefined receiver "${route.receiver}" used in route`);
  checkRouteExtensions(route.extensions, path, receivers);
  for (const [key, names] of [['mute_time_intervals', route.muteTimeIntervals], ['active_time_intervals', route.activeTimeIntervals]] as const) {
    for (const n of names) if (!intervals.has(n)) throw new ConfigFileError(child(path, key), `undefined time interval "${n}" used in route`);
  }
  route.routes.forEach((r, i) => checkRoutes(r, child(child(path, 'routes'), i), receivers, intervals));
}

function md5MetricValue(text: string): number {
  const sum = createHash('md5').update(text).digest();
  const bytes = Buffer.alloc(8);
  sum.copy(bytes, 0, 0, 6);
  return Number(bytes.readBigUInt64LE());
}

/** parseConfig validates Alertmanager YAML; `file` resolves relative template globs. */
export function parseConfig(text: string, file?: string): AlertmanagerConfig {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length) throw new ConfigFileError('', `yaml: ${doc.errors[0].message}`);
  const root = strictMap(doc.toJS({ maxAliasCount: 1000 }), '', TOP_FIELDS);
  const global = parseGlobal(root.global);
  if (root.route === undefined || root.route === null) throw new ConfigFileError('route', 'no routes provided');
  const route = parseRoute(root.route, 'route');
  if (!route.receiver) throw new ConfigFileError('route.receiver', 'root route must specify a default receiver');
  if (route.matchers.length) throw new ConfigFileError('route', 'root route must not have any matchers');
  if (route.muteTimeIntervals.length) throw new ConfigFileError('route.mute_time_intervals', 'root route must not have any mute time intervals');
  if (route.activeTimeIntervals.length) throw new ConfigFileError('route.active_time_intervals', 'root route must not have any active time intervals');
  const receivers = (optList(root, 'receivers', '') ?? []).map((r, i) => parseReceiver(r, global, child('receivers', i)));
  const names = new Set<string>();
  receivers.forEach((r, i) => {
    if (names.has(r.name)) throw new ConfigFileError(child(child('receivers', i), 'name'), `notification config name "${r.name}" is not unique`);
    names.add(r.name);
  });
  const timeIntervals = new Map<string, TimeInterval[]>();
  const intervalOrder: { key: string; name: string }[] = [];
  parseIntervals(optList(root, 'mute_time_intervals', ''), 'mute_time_intervals', timeIntervals, intervalOrder);
  parseIntervals(optList(root, 'time_intervals', ''), 'time_intervals', timeIntervals, intervalOrder);
  checkRoutes(route, 'route', names, timeIntervals);
  const inhibitRules = (optList(root, 'inhibit_rules', '') ?? []).map((r, i) => parseInhibitRule(r, child('inhibit_rules', i)));
  const templates = optStringList(root, 'templates', '') ?? [];
  const cfg: AlertmanagerConfig = {
    global,
    route,
    inhibitRules,
    receivers,
    templates,
    templateFiles: expandTemplateGlobs(templates, file),
    timeIntervals,
    original: '',
    hash: md5MetricValue(text),
  };
  cfg.original = marshalConfig(cfg, intervalOrder);
  return cfg;
}

/** loadConfigFile reads and validates a config file. */
export function loadConfigFile(file: string): AlertmanagerConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigFileError('', `open ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (err as Error).message}`);
  }
  return parseConfig(text, file);
}

function marshalConfig(cfg: AlertmanagerConfig, intervalOrder: { key: string; name: string }[]): string {
  const out: RawMap = { global: marshalGlobal(cfg.global), route: marshalRoute(cfg.route, formatDuration) };
  if (cfg.inhibitRules.length) out.inhibit_rules = cfg.inhibitRules.map((r) => r.raw);
  if (cfg.receivers.length) out.receivers = cfg.receivers.map(marshalReceiver);
  out.templates = cfg.templates;
  for (const key of ['mute_time_intervals', 'time_intervals']) {
    const named = intervalOrder.filter((o) => o.key === key);
    if (named.length) out[key] = named.map(({ name }) => ({ name, time_intervals: cfg.timeIntervals.get(name)!.map(marshalTimeInterval) }));
  }
  return goYamlStringify(out, ['weekdays', 'days_of_month', 'months', 'years']);
}
