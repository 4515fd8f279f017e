import { ConfigFileError } from './config-file-error';
import { parseDuration } from './duration';
import { child, optBool, optList, optString, optStringList, strictMap, type RawMap } from './fields';
import { Matcher, sortMatchers } from '../matcher/matcher';
import { MatcherParseError, parseMatchers } from '../matcher/parse-matchers';
import { GoRegexError } from '../matcher/go-regex';
import { isValidLabelName, sortedLabelSet } from '../types/alert';
import { marshalRouteExtensions, parseRouteExtensions, ROUTE_EXTENSION_FIELDS, type RouteExtensions } from '../ack/route-extensions';

/** RouteConfig is one node of the routing tree as written (inheritance is applied by dispatch). */
export interface RouteConfig {
  receiver?: string;
  /** undefined = inherit from the parent. Like Alertmanager 0.25, `group_by: []` also inherits. */
  groupBy?: string[];
  groupByAll: boolean;
  groupByRaw?: string[];
  match?: Record<string, string>;
  matchRe?: Record<string, string>;
  matcherStrings?: Matcher[];
  /** All matchers (matchers, match, match_re converted), unsorted. */
  matchers: Matcher[];
  muteTimeIntervals: string[];
  activeTimeIntervals: string[];
  continue: boolean;
  routes: RouteConfig[];
  groupWaitMs?: number;
  groupIntervalMs?: number;
  repeatIntervalMs?: number;
  /** FreshTrack's extension fields (escalation, send_resolved_when_silenced): ack/route-extensions.ts. */
  extensions: RouteExtensions;
}

const ROUTE_FIELDS = [
  'receiver',
  'group_by',
  'match',
  'match_re',
  'matchers',
  'mute_time_intervals',
  'active_time_intervals',
  'continue',
  'routes',
  'group_wait',
  'group_interval',
  'repeat_interval',
  ...ROUTE_EXTENSION_FIELDS,
];

function stringMap(raw: unknown, path: string): Record<string, string> | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new ConfigFileError(path, 'expected a mapping');
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (!isValidLabelName(k)) throw new ConfigFileError(path, `invalid label name "${k}"`);
    out[k] = String(v);
  }
  return out;
}

/** parseMatcherList reads a `matchers:` list (each item may hold several, in brace form). */
export function parseMatcherList(list: string[] | undefined, path: string): Matcher[] {
  const out: Matcher[] = [];
  (list ?? []).forEach((item, i) => {
    try {
      out.push(...parseMatchers(item));
    } catch (err) {
      if (err instanceof MatcherParseError) throw new ConfigFileError(child(path, i), err.message);
      throw err;
    }
  });
  return out;
}

/** convertMatch turns the deprecated `match`/`match_re` maps into matchers (`^(?:…)$` wrapped). */
export function convertMatch(match: Record<string, string> | undefined, matchRe: Record<string, string> | undefined, path: string): Matcher[] {
  const out: Matcher[] = [];
  for (const [k, v] of Object.entries(match ?? {})) out.push(new Matcher('=', k, v));
  for (const [k, v] of Object.entries(matchRe ?? {})) {
    try {
      out.push(new Matcher('=~', k, `^(?:${v})$`));
    } catch (err) {
      if (err instanceof GoRegexError) throw new ConfigFileError(child(path, k), err.message);
      throw err;
    }
  }
  return out;
}

function optDuration(map: RawMap, key: string, path: string): number | undefined {
  const v = optString(map, key, path);
  return v === undefined ? undefined : parseDuration(v, child(path, key));
}

/** parseRoute validates one route node and its children. */
export function parseRoute(raw: unknown, path: string): RouteConfig {
  const map = strictMap(raw, path, ROUTE_FIELDS);
  const groupByRaw = optStringList(map, 'group_by', path);
  let groupBy: string[] | undefined;
  let groupByAll = false;
  if (groupByRaw) {
    groupBy = [];
    for (const l of groupByRaw) {
      if (l === '...') groupByAll = true;
      else {
        if (!isValidLabelName(l)) throw new ConfigFileError(child(path, 'group_by'), `invalid label name "${l}" in group_by list`);
        if (groupBy.includes(l)) throw new ConfigFileError(child(path, 'group_by'), `duplicated label "${l}" in group_by`);
        groupBy.push(l);
      }
    }
    if (groupByAll && groupBy.length > 0)
      throw new ConfigFileError(child(path, 'group_by'), 'cannot have wildcard group_by (`...`) and other other labels at the same time');
    // Alertmanager keeps a nil label list for `[]` (and for `['...']`), so both inherit.
    if (groupByAll || groupBy.length === 0) groupBy = undefined;
  }
  const match = stringMap(map.match, child(path, 'match'));
  const matchRe = stringMap(map.match_re, child(path, 'match_re'));
  const matcherStrings = parseMatcherList(optStringList(map, 'matchers', path), child(path, 'matchers'));
  const route: RouteConfig = {
    receiver: optString(map, 'receiver', path),
    groupBy,
    groupByAll,
    groupByRaw,
    match,
    matchRe,
    matcherStrings: map.matchers === undefined ? undefined : matcherStrings,
    matchers: [...matcherStrings, ...convertMatch(match, matchRe, child(path, 'match_re'))],
    muteTimeIntervals: optStringList(map, 'mute_time_intervals', path) ?? [],
    activeTimeIntervals: optStringList(map, 'active_time_intervals', path) ?? [],
    continue: optBool(map, 'continue', path) ?? false,
    routes: (optList(map, 'routes', path) ?? []).map((r, i) => parseRoute(r, child(child(path, 'routes'), i))),
    groupWaitMs: optDuration(map, 'group_wait', path),
    groupIntervalMs: optDuration(map, 'group_interval', path),
    repeatIntervalMs: optDuration(map, 'repeat_interval', path),
    extensions: parseRouteExtensions(map, path),
  };
  if (route.groupIntervalMs === 0) throw new ConfigFileError(child(path, 'group_interval'), 'group_interval cannot be zero');
  if (route.repeatIntervalMs === 0) throw new ConfigFileError(child(path, 'repeat_interval'), 'repeat_interval cannot be zero');
  return route;
}

/** marshalRoute renders a route as Alertmanager's config.original (only what was set). */
export function marshalRoute(r: RouteConfig, formatDuration: (ms: number) => string): RawMap {
  const out: RawMap = {};
  if (r.receiver) out.receiver = r.receiver;
  if (r.groupByRaw && r.groupByRaw.length) out.group_by = r.groupByRaw;
  if (r.match && Object.keys(r.match).length) out.match = sortedLabelSet(r.match);
  if (r.matchRe && Object.keys(r.matchRe).length) out.match_re = sortedLabelSet(r.matchRe);
  if (r.matcherStrings && r.matcherStrings.length) out.matchers = sortMatchers(r.matcherStrings).map(String);
  if (r.muteTimeIntervals.length) out.mute_time_intervals = r.muteTimeIntervals;
  if (r.activeTimeIntervals.length) out.active_time_intervals = r.activeTimeIntervals;
  out.continue = r.continue;
  if (r.routes.length) out.routes = r.routes.map((c) => marshalRoute(c, formatDuration));
  if (r.groupWaitMs !== undefined) out.group_wait = formatDuration(r.groupWaitMs);
  if (r.groupIntervalMs !== undefined) out.group_interval = formatDuration(r.groupIntervalMs);
  if (r.repeatIntervalMs !== undefined) out.repeat_interval = formatDuration(r.repeatIntervalMs);
  Object.assign(out, marshalRouteExtensions(r.extensions));
  return out;
}
