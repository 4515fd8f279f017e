import { GoRegexError } from './go-regex';
import { Matcher, type MatchType } from './matcher';

const MATCHER_RE = /^\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(=~|=|!=|!~)\s*([\s\S]*?)\s*$/;

/** MatcherParseError is a malformed matcher string, with Alertmanager's message. */
export class MatcherParseError extends Error {}

/**
 * parseMatcher reads one matcher in Alertmanager 0.25's syntax: `name op value`, the value
 * optionally double-quoted with `\"`, `\\` and `\n` escapes.
 */
export function parseMatcher(s: string): Matcher {
  const ms = MATCHER_RE.exec(s);
  if (!ms) throw new MatcherParseError(`bad matcher format: ${s}`);
  let raw = ms[3];
  let expectTrailingQuote = false;
  if (raw.startsWith('"')) {
    raw = raw.slice(1);
    expectTrailingQuote = true;
  }
  let value = '';
  let escaped = false;
  const chars = [...raw];
  for (let i = 0; i < chars.length; i++) {
    const r = chars[i];
    if (escaped) {
      escaped = false;
      value += r === 'n' ? '\n' : r === '"' || r === '\\' ? r : `\\${r}`;
      continue;
    }
    if (r === '\\') {
      if (i < chars.length - 1) escaped = true;
      else value += '\\';
    } else if (r === '"') {
      if (!expectTrailingQuote || i < chars.length - 1) throw new MatcherParseError(`matcher value contains unescaped double quote: ${ms[3]}`);
      expectTrailingQuote = false;
    } else value += r;
  }
  if (expectTrailingQuote) throw new MatcherParseError(`matcher value contains unescaped double quote: ${ms[3]}`);
  try {
    return new Matcher(ms[2] as MatchType, ms[1], value);
  } catch (err) {
    if (err instanceof GoRegexError) throw new MatcherParseError(err.message);
    throw err;
  }
}

/**
 * parseMatchers reads a comma-separated list, optionally in braces
 * (`{svc="a,b", env=~"st.*"}`); commas inside quotes do not split.
 */
export function parseMatchers(input: string): Matcher[] {
  let s = input.startsWith('{') ? input.slice(1) : input;
  if (s.endsWith('}')) s = s.slice(0, -1);
  const tokens: string[] = [];
  let token = '';
  let insideQuotes = false;
  let escaped = false;
  for (const r of s) {
    if (r === ',' && !insideQuotes) {
      tokens.push(token);
      token = '';
      continue;
    }
    if (r === '"') {
      if (!escaped) insideQuotes = !insideQuotes;
      else escaped = false;
    } else if (r === '\\') escaped = !escaped;
    else escaped = false;
    token += r;
  }
  if (token.trim() !== '') tokens.push(token.trim());
  return tokens.map(parseMatcher);
}
