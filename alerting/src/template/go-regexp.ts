/**
 * compileGoRegexp translates the RE2 syntax Alertmanager templates use into a JavaScript
 * RegExp: `(?P<name>…)` groups, leading `(?i)`/`(?s)`/`(?m)` flags, `\A`/`\z`, POSIX classes.
 * A pattern using RE2 features JavaScript lacks throws, so a bad constant pattern is caught at
 * config load.
 */
const POSIX: Record<string, string> = {
  alpha: 'A-Za-z', digit: '0-9', alnum: 'A-Za-z0-9', space: '\\t\\n\\v\\f\\r ', upper: 'A-Z', lower: 'a-z',
  punct: '!-\\/:-@\\[-`{-~', word: '0-9A-Za-z_', xdigit: '0-9A-Fa-f', blank: '\\t ', cntrl: '\\x00-\\x1f\\x7f',
};

export function compileGoRegexp(pattern: string, extraFlags = ''): RegExp {
  let src = pattern;
  let flags = extraFlags;
  const lead = /^\(\?([imsU]+)\)/.exec(src);
  if (lead) {
    if (lead[1].includes('U')) throw new Error(`error parsing regexp: ungreedy flag (?U) is not supported: \`${pattern}\``);
    for (const f of lead[1]) if (!flags.includes(f)) flags += f;
    src = src.slice(lead[0].length);
  }
  src = src
    .replace(/\(\?P<([A-Za-z_][A-Za-z0-9_]*)>/g, '(?<$1>')
    .replace(/\\A/g, '^')
    .replace(/\\z/g, '$(?![\\s\\S])')
    .replace(/\[:(\^?)([a-z]+):\]/g, (m, neg: string, cls: string) => {
      if (!POSIX[cls]) return m;
      return neg ? `^${POSIX[cls]}` : POSIX[cls];
    });
  if (/\(\?[a-zA-Z]/.test(src.replace(/\(\?<[A-Za-z_]/g, ''))) {
    throw new Error(`error parsing regexp: inline flags inside the pattern are not supported: \`${pattern}\``);
  }
  try {
    return new RegExp(src, `${flags}u`);
  } catch {
    try {
      return new RegExp(src, flags);
    } catch (err) {
      throw new Error(`error parsing regexp: ${(err as Error).message}: \`${pattern}\``);
    }
  }
}

/** goReplaceAll is Go's Regexp.ReplaceAllString, with `$1`, `${1}`, `$name`, `${name}`, `$$`. */
export function goReplaceAll(re: RegExp, text: string, repl: string): string {
  const g = new RegExp(re.source, re.flags.includes('g') ? re.flags : `${re.flags}g`);
  let out = '';
  let last = 0;
  let lastMatchEnd = -1;
  for (let m = g.exec(text); m; m = g.exec(text)) {
    const start = m.index;
    const end = start + m[0].length;
    if (m[0].length === 0) {
      // Go ignores an empty match abutting the preceding match.
      g.lastIndex = end + (text.codePointAt(end)! > 0xffff ? 2 : 1);
      if (start === lastMatchEnd) continue;
    }
    out += text.slice(last, start) + expand(repl, m);
    last = end;
    lastMatchEnd = end;
    if (g.lastIndex > text.length) break;
  }
  return out + text.slice(last);
}

function expand(repl: string, m: RegExpExecArray): string {
  return repl.replace(/\$(\$|\{([^}]*)\}|([A-Za-z0-9_]+))/g, (all, _x, braced: string | undefined, bare: string | undefined) => {
    if (all === '$$') return '$';
    const name = braced ?? bare ?? '';
    if (braced !== undefined && !/^[A-Za-z0-9_]+$/.test(name)) return all;
    if (/^\d+$/.test(name)) return m[Number(name)] ?? '';
    return m.groups?.[name] ?? '';
  });
}
