import { sprint, sprintf, sprintln } from './printf';
import { asStringSlice, compareStrings, formatValue, GoFloat, GoValue, SafeHtml, truth, typeName } from './values';

/** FuncDef is a template function: its arity (checked at parse time) and implementation. */
export interface FuncDef {
  min: number;
  /** Infinity for variadic functions. */
  max: number;
  fn: (args: unknown[]) => unknown;
}

/** ExecFuncError is a function failing at execution, reported as Go's `error calling f: …`. */
export class ExecFuncError extends Error {}

const fail = (msg: string): never => {
  throw new ExecFuncError(msg);
};

type Kind = 'bool' | 'int' | 'float' | 'string' | 'nil' | 'other';

function basicKind(v: unknown): Kind {
  if (v === null || v === undefined) return 'nil';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return 'int';
  if (v instanceof GoFloat) return 'float';
  if (typeof v === 'string' || v instanceof SafeHtml) return 'string';
  return 'other';
}

const num = (v: unknown) => (v instanceof GoFloat ? v.value : (v as number));

/** eq is Go 1.19's eq: arg1 equals any of the others; mixed kinds are an error unless nil. */
function eq(args: unknown[]): boolean {
  const [a, ...rest] = args;
  const k1 = basicKind(a);
  for (const b of rest) {
    const k2 = basicKind(b);
    let same = false;
    if (k1 !== k2) {
      if (k1 !== 'nil' && k2 !== 'nil') fail('incompatible types for comparison');
    } else if (k1 === 'other') {
      if (a instanceof Date && b instanceof Date) same = a.getTime() === b.getTime();
      else if (a instanceof GoValue && a.type.kind === 'struct' && b instanceof GoValue && b.type === a.type) {
        same = JSON.stringify(a.value) === JSON.stringify(b.value);
      } else fail(`non-comparable types ${formatValue(a)}: ${typeName(a)}, ${typeName(b)}: ${formatValue(b)}`);
    } else if (k1 === 'nil') same = true;
    else same = k1 === 'int' || k1 === 'float' ? num(a) === num(b) : k1 === 'string' ? String(a) === String(b) : a === b;
    if (same) return true;
  }
  return false;
}

function lt(a: unknown, b: unknown): boolean {
  const k1 = basicKind(a);
  const k2 = basicKind(b);
  if (k1 === 'other' || k1 === 'nil' || k1 === 'bool' || k2 === 'other' || k2 === 'nil' || k2 === 'bool') {
    if (k1 === 'bool' || k2 === 'bool') fail('invalid type for comparison');
    fail('invalid type for comparison');
  }
  if (k1 !== k2) fail('incompatible types for comparison');
  if (k1 === 'string') return compareStrings(String(a), String(b)) < 0;
  return num(a) < num(b);
}

function length(v: unknown): number {
  if (typeof v === 'string') return Buffer.byteLength(v, 'utf8');
  if (v instanceof SafeHtml) return Buffer.byteLength(v.html, 'utf8');
  if (Array.isArray(v)) return v.length;
  if (v instanceof GoValue && v.type.kind !== 'struct') return v.type.kind === 'slice' ? v.items.length : Object.keys(v.entries).length;
  return fail(`len of type ${typeName(v)}`);
}

function index(args: unknown[]): unknown {
  let item = args[0];
  if (item === null || item === undefined) fail('index of untyped nil');
  for (const key of args.slice(1)) {
    if (item instanceof GoValue && item.type.kind === 'map') {
      if (typeof key !== 'string') fail(`value has type ${typeName(key)}; should be string`);
      const entries = item.entries;
      item = Object.prototype.hasOwnProperty.call(entries, key as string) ? entries[key as string] : item.type.elemZero;
      continue;
    }
    const list = Array.isArray(item) ? item : item instanceof GoValue && item.type.kind === 'slice' ? item.items : undefined;
    if (typeof key !== 'number') fail(`cannot index slice/array with type ${typeName(key)}`);
    const i = key as number;
    if (typeof item === 'string') {
      const bytes = Buffer.from(item, 'utf8');
      if (i < 0 || i >= bytes.length) fail(`index out of range: ${i}`);
      item = bytes[i];
      continue;
    }
    if (!list) return fail(`can't index item of type ${typeName(item)}`);
    if (i < 0 || i >= list.length) fail(`index out of range: ${i}`);
    item = list[i];
  }
  return item;
}

function slice(args: unknown[]): unknown {
  const [item, ...idx] = args;
  if (idx.some((i) => typeof i !== 'number')) fail('cannot index slice/array with non-int');
  const [i = 0, j] = idx as number[];
  if (typeof item === 'string') {
    const bytes = Buffer.from(item, 'utf8');
    const end = j ?? bytes.length;
    if (i < 0 || end < i || end > bytes.length) fail(`index out of range: ${end > bytes.length ? end : i}`);
    return bytes.subarray(i, end).toString('utf8');
  }
  const list = Array.isArray(item) ? item : item instanceof GoValue && item.type.kind === 'slice' ? item.items : undefined;
  if (!list) return fail(`can't slice item of type ${typeName(item)}`);
  const end = j ?? list.length;
  if (i < 0 || end < i || end > list.length) fail(`index out of range: ${end > list.length ? end : i}`);
  const out = list.slice(i, end);
  return item instanceof GoValue ? new GoValue(item.type, out) : out;
}

/** evalArgs is the argument rule of html/js/urlquery: one string as is, else fmt.Sprint. */
const evalArgs = (args: unknown[]) => (args.length === 1 && typeof args[0] === 'string' ? args[0] : sprint(args));

export function htmlEscape(s: string): string {
  return s.replace(/[<>&'"\0]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&#39;', '"': '&#34;', '\0': '\uFFFD' })[c]!);
}

function jsEscape(s: string): string {
  let out = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === "'") out += "\\'";
    else if (ch === '"') out += '\\"';
    else if (ch === '<') out += '\\u003C';
    else if (ch === '>') out += '\\u003E';
    else if (ch === '&') out += '\\u0026';
    else if (ch === '=') out += '\\u003D';
    else if (cp < 0x20 || cp === 0x7f) out += `\\u${cp.toString(16).toUpperCase().padStart(4, '0')}`;
    else if (cp >= 0x80 && !/[\p{L}\p{M}\p{N}\p{P}\p{S}]/u.test(ch)) out += `\\u${cp.toString(16).toUpperCase().padStart(4, '0')}`;
    else out += ch;
  }
  return out;
}

/** queryEscape is Go's url.QueryEscape. */
export function queryEscape(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).replace(/%20/g, '+');
}

/** BUILTINS are Go text/template's predefined functions. `and`/`or` are evaluated lazily by the executor. */
export const BUILTINS: Record<string, FuncDef> = {
  and: { min: 1, max: Infinity, fn: (a) => a.find((x) => !truth(x)) ?? a[a.length - 1] },
  or: { min: 1, max: Infinity, fn: (a) => a.find((x) => truth(x)) ?? a[a.length - 1] },
  not: { min: 1, max: 1, fn: ([a]) => !truth(a) },
  len: { min: 1, max: 1, fn: ([a]) => length(a) },
  index: { min: 1, max: Infinity, fn: index },
  slice: { min: 1, max: 4, fn: slice },
  eq: { min: 1, max: Infinity, fn: (a) => (a.length < 2 ? fail('missing argument for comparison') : eq(a)) },
  ne: { min: 2, max: 2, fn: (a) => !eq(a) },
  lt: { min: 2, max: 2, fn: ([a, b]) => lt(a, b) },
  le: { min: 2, max: 2, fn: ([a, b]) => lt(a, b) || eq([a, b]) },
  gt: { min: 2, max: 2, fn: ([a, b]) => !lt(a, b) && !eq([a, b]) },
  ge: { min: 2, max: 2, fn: ([a, b]) => !lt(a, b) },
  print: { min: 0, max: Infinity, fn: sprint },
  println: { min: 0, max: Infinity, fn: sprintln },
  printf: { min: 1, max: Infinity, fn: ([f, ...rest]) => (typeof f === 'string' ? sprintf(f, rest) : fail(`wrong type for value; expected string; got ${typeName(f)}`)) },
  html: { min: 0, max: Infinity, fn: (a) => htmlEscape(evalArgs(a)) },
  js: { min: 0, max: Infinity, fn: (a) => jsEscape(evalArgs(a)) },
  urlquery: { min: 0, max: Infinity, fn: (a) => queryEscape(evalArgs(a)) },
};

/** argString and argStrings convert an argument as Go does for string / []string parameters. */
export function argString(v: unknown): string {
  if (typeof v === 'string') return v;
  return fail(`wrong type for value; expected string; got ${typeName(v)}`);
}

export function argStrings(v: unknown): string[] {
  const list = asStringSlice(v);
  if (list) return list;
  if (v === null || v === undefined) return [];
  return fail(`wrong type for value; expected []string; got ${typeName(v)}`);
}
