import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../../platform/paths';
import { ALERTMANAGER_FUNCS, REGEXP_ARGS } from './alertmanager-funcs';
import { BUILTINS, type FuncDef } from './builtins';
import { execute } from './executor';
import { compileGoRegexp } from './go-regexp';
import { TemplateSyntaxError } from './lexer';
import type { ListNode } from './nodes';
import { parseTemplate, type FunctionChecker, type ParsedFile } from './parser';
import { typeCheck } from './type-check';

/** CompiledTemplate is one config field's template, checked at load and rendered per flush. */
export interface CompiledTemplate {
  readonly source: string;
  render(data: unknown): string;
}

const DEFAULTS_DIR = join(PROJECT_ROOT, 'alerting', 'src', 'template', 'defaults');
/** DEFAULT_FILES load in this order: Alertmanager 0.25's two files, then later additions. */
export const DEFAULT_FILES = ['default.tmpl', 'email.tmpl', 'msteams.tmpl', 'freshtrack.tmpl'];

let defaults: TemplateSet | undefined;

const FUNCS: Record<string, FuncDef> = { ...BUILTINS, ...ALERTMANAGER_FUNCS };

const checker: FunctionChecker = {
  has: (fn) => Object.prototype.hasOwnProperty.call(FUNCS, fn),
  check(fn, nargs, constFirst) {
    const def = FUNCS[fn];
    if (nargs < def.min || nargs > def.max) {
      const want = def.max === Infinity ? `at least ${def.min}` : def.min === def.max ? `${def.min}` : `${def.min} to ${def.max}`;
      return `wrong number of args for ${fn}: want ${want} got ${nargs}`;
    }
    if (REGEXP_ARGS.has(fn) && constFirst !== undefined) {
      try {
        compileGoRegexp(constFirst);
      } catch (err) {
        return `${fn}: ${(err as Error).message}`;
      }
    }
    return undefined;
  },
};

/**
 * TemplateSet is Alertmanager's template.Template: the default templates, then the config's
 * `templates:` files (later definitions replace earlier ones), then per-field texts compiled
 * with `compile`. Everything a field can reach is parsed and its template references resolved
 * at compile time, so a broken template fails config load instead of a page.
 */
export class TemplateSet {
  private readonly templates = new Map<string, ListNode>();
  private readonly refs = new Map<string, { name: string; line: number; file: string }[]>();

  /** withDefaults starts from Alertmanager's default templates (parsed once per process). */
  static withDefaults(): TemplateSet {
    if (!defaults) {
      defaults = new TemplateSet();
      for (const f of DEFAULT_FILES) defaults.addSource(f, readFileSync(join(DEFAULTS_DIR, f), 'utf8'));
    }
    const set = new TemplateSet();
    for (const [k, v] of defaults.templates) set.templates.set(k, v);
    for (const [k, v] of defaults.refs) set.refs.set(k, v);
    return set;
  }

  /** addSource parses one template file's text; a syntax error names the file, line and column. */
  addSource(name: string, src: string): this {
    this.merge(name, parseTemplate(name, src, checker));
    return this;
  }

  /** compileSyntaxOnly checks a field's own syntax, before the template files are known. */
  compileSyntaxOnly(text: string, fieldPath: string): void {
    parseTemplate(fieldPath, text, checker);
  }

  has(name: string): boolean {
    return this.templates.has(name);
  }

  /**
   * compile parses a config field (`title: '{{ template "slack.default.title" . }}'`) as
   * Alertmanager's ExecuteTextString would, and checks every template it can reach exists.
   * `html` selects email's html/template escaping. An empty text renders as "".
   */
  compile(text: string, fieldPath: string, opts: { html?: boolean } = {}): CompiledTemplate {
    if (text === '') return { source: '', render: () => '' };
    const parsed = parseTemplate(fieldPath, text, checker);
    const templates = new Map(this.templates);
    const refs = new Map(this.refs);
    this.mergeInto(templates, refs, fieldPath, parsed);
    checkReachable(fieldPath, parsed, templates, refs);
    typeCheck(fieldPath, parsed.body, templates);
    const execOpts = { templates, funcs: FUNCS, html: opts.html === true };
    return { source: text, render: (data) => execute(fieldPath, parsed.body, data, execOpts) };
  }

  private merge(file: string, parsed: ParsedFile): void {
    this.mergeInto(this.templates, this.refs, file, parsed);
  }

  private mergeInto(
    templates: Map<string, ListNode>,
    refs: Map<string, { name: string; line: number; file: string }[]>,
    file: string,
    parsed: ParsedFile,
  ): void {
    for (const [name, list] of parsed.defines) {
      // Go: a definition of only white space does not replace an existing template.
      const empty = list.nodes.every((n) => n.kind === 'text' && n.text.trim() === '');
      if (empty && templates.has(name)) continue;
      templates.set(name, list);
      refs.set(name, parsed.references.filter((r) => r.from === name).map((r) => ({ ...r, file })));
    }
  }
}

function checkReachable(
  fieldPath: string,
  parsed: ParsedFile,
  templates: Map<string, ListNode>,
  refs: Map<string, { name: string; line: number; file: string }[]>,
): void {
  const queue = parsed.references.filter((r) => r.from === undefined).map((r) => ({ ...r, file: fieldPath }));
  const seen = new Set<string>();
  while (queue.length) {
    const r = queue.shift()!;
    if (!templates.has(r.name)) throw new TemplateSyntaxError(r.file, r.line, 0, `no such template ${JSON.stringify(r.name)}`);
    if (seen.has(r.name)) continue;
    seen.add(r.name);
    queue.push(...(refs.get(r.name) ?? []));
  }
}
