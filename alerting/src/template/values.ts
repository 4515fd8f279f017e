import { formatFloat, goTimeString } from './go-format';

/**
 * The Go value model the executor works on. Templates see Alertmanager's Go types, whose
 * behaviour users rely on: methods win over map keys (`.Labels.Names` calls the method),
 * maps range in sorted key order, a missing KV key is "" (missingkey=zero), a nil prints
 * "<no value>", and types with a String() method print through it.
 *  - string, number (Go int), GoFloat (float64), boolean, null (nil), Date (time.Time)
 *  - GoValue: a named struct, map or slice with methods (template.Data, template.KV…)
 *  - plain arrays: []string when every item is a string, else []interface {}
 */
export class GoFloat {
  constructor(readonly value: number) {}
}

/** SafeHtml is html/template's template.HTML (from `safeHtml`): a string the HTML escaper leaves alone. */
export class SafeHtml {
  constructor(readonly html: string) {}
  toString(): string {
    return this.html;
  }
}

/** GO_ZERO_TIME is Go's zero time.Time, which Alertmanager puts in a firing alert's EndsAt. */
export const GO_ZERO_TIME = new Date('0001-01-01T00:00:00Z');

export type ParamType = 'string' | '[]string' | 'any';

export interface GoMethod {
  params: ParamType[];
  fn: (self: GoValue, ...args: unknown[]) => unknown;
}

export interface GoType {
  name: string;
  kind: 'struct' | 'map' | 'slice';
  methods: Record<string, GoMethod>;
  /** Zero value of a map's element type, returned for a missing key. */
  elemZero?: unknown;
  /** Struct field names in declaration order (printing follows it). */
  fields?: string[];
  /** Set when the Go type has a String() method that fmt uses. */
  stringer?: (self: GoValue) => string;
}

export class GoValue {
  constructor(
    readonly type: GoType,
    readonly value: Record<string, unknown> | unknown[],
  ) {}

  get items(): unknown[] {
    return this.value as unknown[];
  }

  get entries(): Record<string, unknown> {
    return this.value as Record<string, unknown>;
  }
}

/** typeName names a value's Go type in error messages, as Go's reflect does. */
export function typeName(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'int';
  if (typeof v === 'boolean') return 'bool';
  if (v instanceof GoFloat) return 'float64';
  if (v instanceof Date) return 'time.Time';
  if (v instanceof SafeHtml) return 'template.HTML';
  if (v instanceof GoValue) return v.type.name;
  if (Array.isArray(v)) return v.every((x) => typeof x === 'string') ? '[]string' : '[]interface {}';
  return 'interface {}';
}

/** truth is Go text/template's truth: zero values and empty collections are false. */
export function truth(v: unknown): boolean {
  if (v === null || v === undefined) return false;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string') return v !== '';
  if (v instanceof SafeHtml) return v.html !== '';
  if (v instanceof GoFloat) return v.value !== 0;
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof GoValue) {
    if (v.type.kind === 'struct') return true;
    if (v.type.kind === 'slice') return v.items.length > 0;
    return Object.keys(v.entries).length > 0;
  }
  return true;
}

/** sortedKeys orders map keys as Go's fmt and range do (byte-wise for strings). */
export function sortedKeys(obj: Record<string, unknown>): string[] {
  return Object.keys(obj).sort((a, b) => compareStrings(a, b));
}

/** compareStrings compares by UTF-8 bytes, as Go's string comparison does. */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const ba = Buffer.from(a, 'utf8');
  const bb = Buffer.from(b, 'utf8');
  return Buffer.compare(ba, bb);
}

/** formatValue renders a value as Go's fmt %v; `top` prints a nil as text/template does. */
export function formatValue(v: unknown, top = true): string {
  if (v === null || v === undefined) return top ? '<no value>' : '<nil>';
  if (typeof v === 'string') return v;
  if (v instanceof SafeHtml) return v.html;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v instanceof GoFloat) return formatFloat(v.value, 'g', -1);
  if (v instanceof Date) return goTimeString(v);
  if (v instanceof GoValue) {
    if (v.type.stringer) return v.type.stringer(v);
    if (v.type.kind === 'slice') return `[${v.items.map((x) => formatValue(x, false)).join(' ')}]`;
    if (v.type.kind === 'map') return formatMap(v.entries);
    return `{${(v.type.fields ?? Object.keys(v.entries)).map((f) => formatValue(v.entries[f], false)).join(' ')}}`;
  }
  if (Array.isArray(v)) return `[${v.map((x) => formatValue(x, false)).join(' ')}]`;
  return String(v);
}

function formatMap(entries: Record<string, unknown>): string {
  return `map[${sortedKeys(entries).map((k) => `${k}:${formatValue(entries[k], false)}`).join(' ')}]`;
}

/** isStringSlice says whether a value is usable where Go expects a []string. */
export function asStringSlice(v: unknown): string[] | undefined {
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  if (v instanceof GoValue && v.type.kind === 'slice' && v.items.every((x) => typeof x === 'string')) return v.items as string[];
  return undefined;
}
