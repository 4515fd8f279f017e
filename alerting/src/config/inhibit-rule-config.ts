import { ConfigFileError } from './config-file-error';
import { child, optStringList, strictMap, type RawMap } from './fields';
import { convertMatch, parseMatcherList } from './route-config';
import { sortMatchers, type Matcher } from '../matcher/matcher';

/** InhibitRuleConfig: while an alert matching `source` fires, alerts matching `target` with equal `equal` labels are muted. */
export interface InhibitRuleConfig {
  source: Matcher[];
  target: Matcher[];
  equal: string[];
  raw: RawMap;
}

const FIELDS = ['source_match', 'source_match_re', 'source_matchers', 'target_match', 'target_match_re', 'target_matchers', 'equal'];

function labelMap(raw: unknown, path: string): Record<string, string> | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new ConfigFileError(path, 'expected a mapping');
  return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, String(v)]));
}

/** parseInhibitRule validates one inhibit rule. */
export function parseInhibitRule(raw: unknown, path: string): InhibitRuleConfig {
  const map = strictMap(raw, path, FIELDS);
  const side = (prefix: 'source' | 'target') => {
    const match = labelMap(map[`${prefix}_match`], child(path, `${prefix}_match`));
    const matchRe = labelMap(map[`${prefix}_match_re`], child(path, `${prefix}_match_re`));
    const matchers = parseMatcherList(optStringList(map, `${prefix}_matchers`, path), child(path, `${prefix}_matchers`));
    return { match, matchRe, matchers, all: [...matchers, ...convertMatch(match, matchRe, child(path, `${prefix}_match_re`))] };
  };
  const source = side('source');
  const target = side('target');
  const equal = optStringList(map, 'equal', path) ?? [];
  const out: RawMap = {};
  for (const [prefix, s] of [['source', source], ['target', target]] as const) {
    if (s.match && Object.keys(s.match).length) out[`${prefix}_match`] = s.match;
    if (s.matchRe && Object.keys(s.matchRe).length) out[`${prefix}_match_re`] = s.matchRe;
    if (s.matchers.length) out[`${prefix}_matchers`] = sortMatchers(s.matchers).map(String);
  }
  if (equal.length) out.equal = equal;
  return { source: source.all, target: target.all, equal, raw: out };
}
