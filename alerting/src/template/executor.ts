import { BUILTINS, ExecFuncError, type FuncDef } from './builtins';
import { escapeHtmlAction } from './html-context';
import { goTimeFormat, goTimeString } from './go-format';
import type { ArgNode, CommandNode, ListNode, Node, PipeNode } from './nodes';
import { formatValue, GO_ZERO_TIME, GoFloat, GoValue, SafeHtml, sortedKeys, truth, typeName } from './values';

/** TemplateExecError is a failure while rendering, named like Go's `template: name:line: …`. */
export class TemplateExecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateExecError';
  }
}

export interface ExecOptions {
  templates: ReadonlyMap<string, ListNode>;
  funcs: Readonly<Record<string, FuncDef>>;
  /** HTML mode escapes every printed value, approximating html/template for email bodies. */
  html: boolean;
}

const NO_FINAL = Symbol('noFinal');

const htmlTexts = new WeakMap<Node, string>();

/** htmlText is a text node as html/template writes it: without HTML comments (cached). */
function htmlText(node: Node & { kind: 'text' }): string {
  let t = htmlTexts.get(node);
  if (t === undefined) {
    t = node.text.replace(/<!--[\s\S]*?-->/g, '');
    htmlTexts.set(node, t);
  }
  return t;
}
type Final = unknown;
const MAX_DEPTH = 1000;
/** Output kept for HTML context detection: longer than any tag an action sits in. */
const TAIL_CHARS = 1024;

class BreakSignal {}
class ContinueSignal {}

/** execute renders `list` with `data` as dot (and `$`), following Go text/template's rules. */
export function execute(name: string, list: ListNode, data: unknown, opts: ExecOptions): string {
  return new State(name, opts).run(list, data);
}

class State {
  private readonly parts: string[] = [];
  private vars: { name: string; value: unknown }[] = [];
  private depth = 0;
  private line = 0;

  constructor(
    private name: string,
    private readonly opts: ExecOptions,
  ) {}

  run(list: ListNode, data: unknown): string {
    this.vars = [{ name: '$', value: data }];
    this.walkList(data, list);
    return this.parts.join('');
  }

  private fail(msg: string): never {
    throw new TemplateExecError(`template: ${this.name}:${this.line}: ${msg}`);
  }

  private walkList(dot: unknown, list: ListNode): void {
    for (const n of list.nodes) this.walk(dot, n);
  }

  private walk(dot: unknown, node: Node): void {
    if (node.kind === 'text') {
      this.emit(this.opts.html ? htmlText(node) : node.text);
      return;
    }
    this.line = node.line;
    switch (node.kind) {
      case 'action': {
        const v = this.evalPipeline(dot, node.pipe);
        const last = node.pipe.cmds[node.pipe.cmds.length - 1].args[0];
        if (node.pipe.decl.length === 0) this.emit(this.print(v, last.kind === 'identifier' ? last.name : undefined));
        return;
      }
      case 'if':
      case 'with': {
        const mark = this.vars.length;
        const v = this.evalPipeline(dot, node.pipe);
        if (truth(v)) this.walkList(node.kind === 'with' ? v : dot, node.list);
        else if (node.elseList) this.walkList(dot, node.elseList);
        this.vars.length = mark;
        return;
      }
      case 'range':
        return this.walkRange(dot, node.pipe, node.list, node.elseList);
      case 'template':
        return this.walkTemplate(dot, node.name, node.pipe);
      case 'break':
        throw new BreakSignal();
      case 'continue':
        throw new ContinueSignal();
    }
  }

  private emit(s: string): void {
    if (s) this.parts.push(s);
  }

  /**
   * tail is the last few KB of output, where the HTML escaper reads the tag context from;
   * reading it from the parts avoids flattening the whole output at every action.
   */
  private tail(): string {
    let t = '';
    for (let i = this.parts.length - 1; i >= 0 && t.length < TAIL_CHARS; i--) t = this.parts[i] + t;
    return t;
  }

  private print(v: unknown, lastFn: string | undefined): string {
    if (!this.opts.html) return formatValue(v instanceof SafeHtml ? v.html : v);
    return v instanceof SafeHtml ? v.html : escapeHtmlAction(this.tail(), formatValue(v), lastFn);
  }

  private walkRange(dot: unknown, pipe: PipeNode, list: ListNode, elseList?: ListNode): void {
    const mark = this.vars.length;
    const decl = pipe.decl;
    const v = this.evalPipeline(dot, { ...pipe, decl: [] });
    let entries: [unknown, unknown][];
    if (v === null || v === undefined) entries = [];
    else if (Array.isArray(v)) entries = v.map((e, i) => [i, e]);
    else if (v instanceof GoValue && v.type.kind === 'slice') entries = v.items.map((e, i) => [i, e]);
    else if (v instanceof GoValue && v.type.kind === 'map') entries = sortedKeys(v.entries).map((k) => [k, v.entries[k]]);
    else return this.fail(`range can't iterate over ${formatValue(v)}`);
    // Declared range variables live in the enclosing scope; each iteration resets them.
    const slots = decl.map((d) => {
      if (pipe.isAssign) return this.vars.map((x) => x.name).lastIndexOf(d);
      this.vars.push({ name: d, value: null });
      return this.vars.length - 1;
    });
    const inner = this.vars.length;
    for (const [key, elem] of entries) {
      if (slots.length === 1) this.vars[slots[0]].value = elem;
      if (slots.length === 2) {
        this.vars[slots[0]].value = key;
        this.vars[slots[1]].value = elem;
      }
      try {
        this.walkList(elem, list);
      } catch (sig) {
        if (sig instanceof BreakSignal) break;
        if (!(sig instanceof ContinueSignal)) throw sig;
      } finally {
        this.vars.length = inner;
      }
    }
    if (entries.length === 0 && elseList) this.walkList(dot, elseList);
    this.vars.length = mark;
  }

  private walkTemplate(dot: unknown, tname: string, pipe?: PipeNode): void {
    const tmpl = this.opts.templates.get(tname);
    if (!tmpl) this.fail(`no such template ${JSON.stringify(tname)}`);
    if (++this.depth > MAX_DEPTH) this.fail(`exceeded maximum template depth (${MAX_DEPTH})`);
    const newDot = pipe ? this.evalPipeline(dot, pipe) : null;
    const saved = { vars: this.vars, name: this.name, line: this.line };
    this.vars = [{ name: '$', value: newDot }];
    this.name = tname;
    try {
      this.walkList(newDot, tmpl!);
    } finally {
      this.vars = saved.vars;
      this.name = saved.name;
      this.line = saved.line;
      this.depth--;
    }
  }

  private evalPipeline(dot: unknown, pipe: PipeNode): unknown {
    let value: unknown = NO_FINAL;
    for (const cmd of pipe.cmds) value = this.evalCommand(dot, cmd, value);
    for (const d of pipe.decl) {
      if (pipe.isAssign) {
        const i = this.vars.map((x) => x.name).lastIndexOf(d);
        this.vars[i].value = value;
      } else this.vars.push({ name: d, value });
    }
    return value;
  }

  private evalCommand(dot: unknown, cmd: CommandNode, final: Final): unknown {
    const first = cmd.args[0];
    switch (first.kind) {
      case 'field':
        return this.evalFieldChain(dot, dot, first.idents, cmd.args, final);
      case 'chain': {
        const base = this.evalArg(dot, first.node);
        return this.evalFieldChain(dot, base, first.idents, cmd.args, final);
      }
      case 'variable': {
        const v = this.lookupVar(first.name);
        if (first.idents.length === 0) {
          this.notAFunction(cmd.args, final, first.name);
          return v;
        }
        return this.evalFieldChain(dot, v, first.idents, cmd.args, final);
      }
      case 'identifier':
        return this.evalFunction(dot, first.name, cmd.args, final);
      case 'pipe':
        this.notAFunction(cmd.args, final, '(pipeline)');
        return this.evalPipeline(dot, first);
      default:
        if (first.kind === 'nil') this.fail('nil is not a command');
        if (cmd.args.length > 1 || final !== NO_FINAL) this.notAFunction(cmd.args, final, formatValue(this.evalArg(dot, first)));
        return this.evalArg(dot, first);
    }
  }

  private notAFunction(args: ArgNode[], final: Final, what: string): void {
    if (args.length > 1 || final !== NO_FINAL) this.fail(`can't give argument to non-function ${what}`);
  }

  private lookupVar(name: string): unknown {
    for (let i = this.vars.length - 1; i >= 0; i--) if (this.vars[i].name === name) return this.vars[i].value;
    return this.fail(`undefined variable: ${name}`);
  }

  private evalFieldChain(dot: unknown, receiver: unknown, idents: string[], args: ArgNode[], final: Final): unknown {
    let v = receiver;
    for (let i = 0; i < idents.length - 1; i++) v = this.evalField(dot, idents[i], [args[0]], NO_FINAL, v);
    return this.evalField(dot, idents[idents.length - 1], args, final, v);
  }

  private evalField(dot: unknown, field: string, args: ArgNode[], final: Final, receiver: unknown): unknown {
    if (receiver === null || receiver === undefined) return null;
    const hasArgs = args.length > 1 || final !== NO_FINAL;
    const callArgs = () => [...args.slice(1).map((a) => this.evalArg(dot, a)), ...(final !== NO_FINAL ? [final] : [])];
    if (receiver instanceof GoValue) {
      const method = receiver.type.methods[field];
      if (method) {
        const a = callArgs();
        if (a.length !== method.params.length) this.fail(`wrong number of args for ${field}: want ${method.params.length} got ${a.length}`);
        return this.call(field, () => method.fn(receiver, ...a));
      }
      if (receiver.type.kind === 'struct' && Object.prototype.hasOwnProperty.call(receiver.entries, field)) {
        if (hasArgs) this.fail(`${field} has arguments but cannot be invoked as function`);
        return receiver.entries[field];
      }
      if (receiver.type.kind === 'map') {
        if (hasArgs) this.fail(`${field} is not a method but has arguments`);
        const e = receiver.entries;
        return Object.prototype.hasOwnProperty.call(e, field) ? e[field] : receiver.type.elemZero;
      }
    }
    if (receiver instanceof Date && field in TIME_METHODS) {
      const m = TIME_METHODS[field];
      const a = callArgs();
      if (a.length !== m.arity) this.fail(`wrong number of args for ${field}: want ${m.arity} got ${a.length}`);
      return this.call(field, () => m.fn(receiver, a));
    }
    return this.fail(`can't evaluate field ${field} in type ${typeName(receiver)}`);
  }

  private call(name: string, fn: () => unknown): unknown {
    try {
      return fn();
    } catch (err) {
      if (err instanceof ExecFuncError) this.fail(`error calling ${name}: ${err.message}`);
      throw err;
    }
  }

  private evalFunction(dot: unknown, name: string, args: ArgNode[], final: Final): unknown {
    const def = this.opts.funcs[name] ?? BUILTINS[name];
    if (!def) this.fail(`function ${JSON.stringify(name)} not defined`);
    const rest = args.slice(1);
    const n = rest.length + (final !== NO_FINAL ? 1 : 0);
    if (n < def.min || n > def.max) this.fail(`wrong number of args for ${name}: want ${def.min} got ${n}`);
    if (name === 'and' || name === 'or') {
      // Go 1.18+: and/or stop evaluating at the first falsy/truthy argument.
      let v: unknown;
      for (let i = 0; i < n; i++) {
        v = i < rest.length ? this.evalArg(dot, rest[i]) : final;
        if (truth(v) === (name === 'or')) return v;
      }
      return v;
    }
    const values = [...rest.map((a) => this.evalArg(dot, a)), ...(final !== NO_FINAL ? [final] : [])];
    const result = this.call(name, () => def.fn(values));
    return name === 'safeHtml' ? new SafeHtml(result as string) : result;
  }

  private evalArg(dot: unknown, node: ArgNode): unknown {
    switch (node.kind) {
      case 'dot': return dot;
      case 'nil': return null;
      case 'bool': return node.value;
      case 'string': return node.value;
      case 'number': return node.isFloat ? new GoFloat(node.value) : node.value;
      case 'field': return this.evalFieldChain(dot, dot, node.idents, [node], NO_FINAL);
      case 'variable': {
        const v = this.lookupVar(node.name);
        return node.idents.length ? this.evalFieldChain(dot, v, node.idents, [node], NO_FINAL) : v;
      }
      case 'chain': return this.evalFieldChain(dot, this.evalArg(dot, node.node), node.idents, [node], NO_FINAL);
      case 'identifier': return this.evalFunction(dot, node.name, [node], NO_FINAL);
      case 'pipe': return this.evalPipeline(dot, node);
    }
  }
}

/** TIME_METHODS are the time.Time methods templates call on StartsAt/EndsAt. */
const TIME_METHODS: Record<string, { arity: number; fn: (d: Date, a: unknown[]) => unknown }> = {
  Format: {
    arity: 1,
    fn: (d, [layout]) => {
      if (typeof layout !== 'string') throw new ExecFuncError(`wrong type for value; expected string; got ${typeName(layout)}`);
      return goTimeFormat(d, layout);
    },
  },
  String: { arity: 0, fn: (d) => goTimeString(d) },
  Unix: { arity: 0, fn: (d) => Math.floor(d.getTime() / 1000) },
  UnixMilli: { arity: 0, fn: (d) => d.getTime() },
  UTC: { arity: 0, fn: (d) => d },
  Local: { arity: 0, fn: (d) => d },
  IsZero: { arity: 0, fn: (d) => d.getTime() === GO_ZERO_TIME.getTime() },
  Year: { arity: 0, fn: (d) => d.getUTCFullYear() },
  Day: { arity: 0, fn: (d) => d.getUTCDate() },
  Hour: { arity: 0, fn: (d) => d.getUTCHours() },
  Minute: { arity: 0, fn: (d) => d.getUTCMinutes() },
};
