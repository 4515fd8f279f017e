import { argString, argStrings, ExecFuncError, type FuncDef } from './builtins';
import { compileGoRegexp, goReplaceAll } from './go-regexp';

/**
 * ALERTMANAGER_FUNCS are exactly the functions of Alertmanager 0.25's template.DefaultFuncs.
 * `date`, `tz`, `humanize` and `trimSpace` arrived in later releases: 0.25's amtool rejects
 * them (`function "date" not defined`), and so do we, at load time.
 */
export const ALERTMANAGER_FUNCS: Record<string, FuncDef> = {
  toUpper: { min: 1, max: 1, fn: ([s]) => mapRunes(argString(s), (c) => c.toUpperCase()) },
  toLower: { min: 1, max: 1, fn: ([s]) => mapRunes(argString(s), (c) => c.toLowerCase()) },
  title: { min: 1, max: 1, fn: ([s]) => title(argString(s)) },
  join: { min: 2, max: 2, fn: ([sep, list]) => argStrings(list).join(argString(sep)) },
  match: { min: 2, max: 2, fn: ([re, s]) => regexp(argString(re)).test(argString(s)) },
  safeHtml: { min: 1, max: 1, fn: ([s]) => argString(s) },
  reReplaceAll: { min: 3, max: 3, fn: ([re, repl, s]) => goReplaceAll(regexp(argString(re)), argString(s), argString(repl)) },
  stringSlice: { min: 0, max: Infinity, fn: (args) => args.map(argString) },
};

/** REGEXP_ARGS lists functions whose first argument is a regexp, so constant ones are checked at load. */
export const REGEXP_ARGS = new Set(['match', 'reReplaceAll']);

function regexp(pattern: string): RegExp {
  try {
    return compileGoRegexp(pattern);
  } catch (err) {
    throw new ExecFuncError((err as Error).message);
  }
}

/**
 * mapRunes is Go's strings.ToUpper/ToLower: a one-to-one mapping per rune, so `ß` and `ﬁ`
 * stay as they are where JavaScript would expand them to `SS` and `FI`.
 */
function mapRunes(s: string, f: (c: string) => string): string {
  let out = '';
  for (const c of s) {
    const m = f(c);
    out += [...m].length === 1 ? m : c;
  }
  return out;
}

const segmenter = new Intl.Segmenter('en-US', { granularity: 'word' });

/**
 * title is cases.Title(language.AmericanEnglish): in each word the first cased letter is
 * upper-cased and the rest lower-cased (Go renders `1st` as `1St`).
 */
function title(s: string): string {
  let out = '';
  for (const seg of segmenter.segment(s)) {
    if (!seg.isWordLike) {
      out += seg.segment;
      continue;
    }
    let seen = false;
    out += mapRunes(seg.segment, (c) => {
      if (c.toLowerCase() === c.toUpperCase()) return c;
      if (seen) return c.toLowerCase();
      seen = true;
      return c.toUpperCase();
    });
  }
  return out;
}
