import { formatFloat, goQuote } from './go-format';
import { formatValue, GoFloat, GoValue, SafeHtml, typeName } from './values';

/**
 * sprint, sprintln and sprintf are Go's fmt.Sprint, Sprintln and Sprintf over the template
 * value model, including Go's in-band error notes (`%!d(string=x)`, `%!s(MISSING)`) so a
 * wrong verb renders what Alertmanager would render instead of failing.
 */
export function sprint(args: unknown[]): string {
  let out = '';
  args.forEach((a, i) => {
    if (i > 0 && typeof a !== 'string' && typeof args[i - 1] !== 'string') out += ' ';
    out += formatValue(a, false);
  });
  return out;
}

export function sprintln(args: unknown[]): string {
  return `${args.map((a) => formatValue(a, false)).join(' ')}\n`;
}

interface Spec {
  minus: boolean;
  plus: boolean;
  zero: boolean;
  space: boolean;
  sharp: boolean;
  width?: number;
  prec?: number;
}

export function sprintf(format: string, args: unknown[]): string {
  let out = '';
  let argi = 0;
  const re = /%([-+# 0]*)(\d+|\*)?(?:\.(\d*|\*))?(.)?/gy;
  let i = 0;
  while (i < format.length) {
    const pct = format.indexOf('%', i);
    if (pct === -1) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, pct);
    re.lastIndex = pct;
    const m = re.exec(format)!;
    i = re.lastIndex;
    const [, flags, w, p, verb] = m;
    if (verb === undefined) {
      out += '%!(NOVERB)';
      break;
    }
    if (verb === '%') {
      out += '%';
      continue;
    }
    const spec: Spec = { minus: flags.includes('-'), plus: flags.includes('+'), zero: flags.includes('0'), space: flags.includes(' '), sharp: flags.includes('#') };
    if (w === '*') spec.width = Number(args[argi++]);
    else if (w) spec.width = Number(w);
    if (p === '*') spec.prec = Number(args[argi++]);
    else if (p !== undefined) spec.prec = p === '' ? 0 : Number(p);
    if (argi >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    out += applyWidth(formatOne(verb, args[argi++], spec), spec, verb);
  }
  if (argi < args.length) {
    out += `%!(EXTRA ${args.slice(argi).map((a) => `${typeName(a)}=${formatValue(a, false)}`).join(', ')})`;
  }
  return out;
}

function bad(verb: string, a: unknown): string {
  return `%!${verb}(${typeName(a)}=${formatValue(a, false)})`;
}

function stringish(a: unknown): string | undefined {
  if (typeof a === 'string') return a;
  if (a instanceof SafeHtml) return a.html;
  if (a instanceof GoValue && a.type.stringer) return a.type.stringer(a);
  if (a instanceof Date) return formatValue(a);
  return undefined;
}

function formatOne(verb: string, a: unknown, spec: Spec): string {
  // Go applies the verb to each element of a slice: %q of [a b] is ["a" "b"].
  const items = Array.isArray(a) ? a : a instanceof GoValue && a.type.kind === 'slice' && !a.type.stringer ? a.items : undefined;
  if (items && verb !== 'v' && verb !== 'T') return `[${items.map((x) => formatOne(verb, x, spec)).join(' ')}]`;
  const num = typeof a === 'number' ? a : undefined;
  const flt = a instanceof GoFloat ? a.value : undefined;
  const sign = (s: string, n: number) => (n >= 0 && spec.plus ? `+${s}` : n >= 0 && spec.space ? ` ${s}` : s);
  switch (verb) {
    case 'v':
      if (flt !== undefined) return sign(formatFloat(flt, 'g', spec.prec ?? -1), flt);
      return formatValue(a, false);
    case 's': {
      const s = stringish(a);
      if (s === undefined) return Array.isArray(a) || a instanceof GoValue ? formatValue(a, false) : bad(verb, a);
      return spec.prec !== undefined ? [...s].slice(0, spec.prec).join('') : s;
    }
    case 'q': {
      const s = stringish(a);
      if (s !== undefined) return spec.sharp && !s.includes('`') ? `\`${s}\`` : goQuote(s);
      if (num !== undefined) return `'${String.fromCodePoint(num)}'`;
      return bad(verb, a);
    }
    case 'd':
      return num !== undefined ? sign(String(num), num) : bad(verb, a);
    case 'b':
    case 'o':
    case 'x':
    case 'X': {
      const base = verb === 'b' ? 2 : verb === 'o' ? 8 : 16;
      if (num !== undefined) {
        const s = num.toString(base);
        return verb === 'X' ? s.toUpperCase() : s;
      }
      const s = stringish(a);
      if (s !== undefined && base === 16) {
        const hex = Buffer.from(s, 'utf8').toString('hex');
        return verb === 'X' ? hex.toUpperCase() : hex;
      }
      return bad(verb, a);
    }
    case 'c':
      return num !== undefined ? String.fromCodePoint(num) : bad(verb, a);
    case 't':
      return typeof a === 'boolean' ? String(a) : bad(verb, a);
    case 'e':
    case 'E':
    case 'f':
    case 'F':
    case 'g':
    case 'G': {
      if (flt === undefined) return bad(verb, a);
      const lower = verb.toLowerCase() as 'e' | 'f' | 'g';
      const s = formatFloat(flt, lower, spec.prec ?? (lower === 'g' ? -1 : 6));
      return sign(verb === lower ? s : s.toUpperCase(), flt);
    }
    case 'T':
      return typeName(a);
    default:
      return bad(verb, a);
  }
}

function applyWidth(s: string, spec: Spec, verb: string): string {
  const width = spec.width ?? 0;
  const len = [...s].length;
  if (len >= width) return s;
  if (spec.minus) return s + ' '.repeat(width - len);
  if (spec.zero && 'dbox XeEfFgG'.includes(verb)) {
    const neg = /^[+-]/.test(s) ? s[0] : '';
    return neg + '0'.repeat(width - len) + s.slice(neg.length);
  }
  return ' '.repeat(width - len) + s;
}
