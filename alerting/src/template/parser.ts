import { lex, TemplateSyntaxError, type Item } from './lexer';
import type { ArgNode, CommandNode, ListNode, Node, PipeNode } from './nodes';

/** ParsedFile is one source's top-level body plus the templates it defines. */
export interface ParsedFile {
  body: ListNode;
  defines: Map<string, ListNode>;
  /** Every `{{ template "x" }}` name referenced, so a set can check them all at load time. */
  references: { name: string; line: number; from?: string }[];
}

/**
 * parseTemplate parses Go text/template source with Go's parse-time checks: functions must be
 * known (`isFunction`), variables declared, control structures closed. Constructs outside
 * the supported subset (character constants, complex numbers, `else with`, `define` below the
 * top level) are rejected here, so a bad template fails at config load and never at page time.
 */
export function parseTemplate(name: string, src: string, funcs: FunctionChecker): ParsedFile {
  return new Parser(name, lex(name, src), funcs).parseFile();
}

/**
 * FunctionChecker knows the functions a template may call: `check` returns why a call with
 * `nargs` arguments (and a constant string first argument, if any) can never succeed.
 */
export interface FunctionChecker {
  has(fn: string): boolean;
  check(fn: string, nargs: number, constFirst: string | undefined): string | undefined;
}

class Parser {
  private pos = 0;
  private vars: string[][] = [['$']];
  private rangeDepth = 0;
  private readonly defines = new Map<string, ListNode>();
  private readonly references: { name: string; line: number; from?: string }[] = [];
  private currentDefine?: string;

  constructor(
    private readonly name: string,
    private readonly items: Item[],
    private readonly funcs: FunctionChecker,
  ) {}

  parseFile(): ParsedFile {
    const nodes: Node[] = [];
    for (;;) {
      const it = this.peek();
      if (it.type === 'eof') break;
      if (it.type === 'leftDelim' && this.peekAt(1).type === 'keyword' && this.peekAt(1).val === 'define') {
        this.next();
        this.next();
        this.parseDefine();
        continue;
      }
      const [list, term] = this.parseList(false);
      nodes.push(...list.nodes);
      if (term) this.fail(term, `unexpected {{${term.val}}}`);
    }
    return { body: { nodes }, defines: this.defines, references: this.references };
  }

  private parseDefine(): void {
    const nameItem = this.next();
    if (nameItem.type !== 'string' && nameItem.type !== 'rawString') this.fail(nameItem, 'define clause: expected a quoted name');
    const defName = unquote(nameItem, this);
    this.expect('rightDelim', 'define clause');
    const saved = this.vars;
    this.vars = [['$']];
    this.currentDefine = defName;
    const [list, term] = this.parseList(true);
    this.currentDefine = undefined;
    this.vars = saved;
    if (!term || term.val !== 'end') this.fail(term ?? this.peek(), `unexpected ${term ? `{{${term.val}}}` : 'EOF'} in define clause`);
    this.expect('rightDelim', 'end');
    this.addDefine(defName, list);
  }

  /** addDefine keeps Go's rule: a later definition replaces an earlier one unless it is empty. */
  private addDefine(defName: string, list: ListNode): void {
    const empty = list.nodes.every((n) => n.kind === 'text' && n.text.trim() === '');
    if (empty && this.defines.has(defName)) return;
    this.defines.set(defName, list);
  }

  /** parseList reads nodes until `{{end}}`/`{{else}}` (returned, its delimiter consumed) or EOF. */
  private parseList(inControl: boolean): [ListNode, Item | undefined] {
    const nodes: Node[] = [];
    for (;;) {
      const it = this.next();
      if (it.type === 'eof') {
        if (inControl) this.fail(it, 'unexpected EOF');
        this.pos--;
        return [{ nodes }, undefined];
      }
      if (it.type === 'text') {
        nodes.push({ kind: 'text', text: it.val, line: it.line });
        continue;
      }
      if (it.type !== 'leftDelim') this.fail(it, `unexpected ${it.val}`);
      const kw = this.peek();
      if (kw.type === 'keyword' && kw.val === 'define' && !inControl) {
        this.pos--;
        return [{ nodes }, undefined];
      }
      if (kw.type === 'keyword') {
        this.next();
        switch (kw.val) {
          case 'end':
          case 'else':
            if (!inControl) this.fail(kw, `unexpected {{${kw.val}}}`);
            return [{ nodes }, kw];
          case 'if':
          case 'with':
          case 'range':
            nodes.push(this.parseControl(kw));
            continue;
          case 'template':
          case 'block':
            nodes.push(this.parseTemplateCall(kw));
            continue;
          case 'break':
          case 'continue':
            if (this.rangeDepth === 0) this.fail(kw, `{{${kw.val}}} outside {{range}}`);
            this.expect('rightDelim', kw.val);
            nodes.push({ kind: kw.val, line: kw.line });
            continue;
          case 'define':
            this.fail(kw, 'define clause is only allowed at the top level');
        }
      }
      const pipe = this.parsePipeline('command', true);
      nodes.push({ kind: 'action', pipe, line: kw.line });
    }
  }

  private parseControl(kw: Item): Node {
    const kind = kw.val as 'if' | 'with' | 'range';
    this.vars.push([]);
    const pipe = this.parsePipeline(kind, kind === 'range' ? 'range' : true);
    if (kind === 'range') this.rangeDepth++;
    const [list, term] = this.parseList(true);
    if (kind === 'range') this.rangeDepth--;
    let elseList: ListNode | undefined;
    if (term!.val === 'else') {
      const nextIt = this.peek();
      if (nextIt.type === 'keyword' && nextIt.val === 'if' && kind === 'if') {
        // `{{else if x}}` is sugar for `{{else}}{{if x}}…{{end}}` sharing the outer {{end}}.
        this.next();
        elseList = { nodes: [this.parseControlElseIf(nextIt)] };
        this.expect('rightDelim', 'end');
        this.vars.pop();
        return { kind, pipe, list, elseList, line: kw.line };
      }
      if (nextIt.type === 'keyword') this.fail(nextIt, `{{else ${nextIt.val}}} is not supported (Alertmanager 0.25 runs Go 1.19 text/template)`);
      this.expect('rightDelim', 'else');
      const [l2, t2] = this.parseList(true);
      if (t2!.val !== 'end') this.fail(t2!, `expected end; found {{${t2!.val}}}`);
      elseList = l2;
    }
    this.expect('rightDelim', 'end');
    this.vars.pop();
    return { kind, pipe, list, elseList, line: kw.line };
  }

  private parseControlElseIf(kw: Item): Node {
    this.vars.push([]);
    const pipe = this.parsePipeline('if', true);
    const [list, term] = this.parseList(true);
    let elseList: ListNode | undefined;
    if (term!.val === 'else') {
      const nextIt = this.peek();
      if (nextIt.type === 'keyword' && nextIt.val === 'if') {
        this.next();
        elseList = { nodes: [this.parseControlElseIf(nextIt)] };
        this.vars.pop();
        return { kind: 'if', pipe, list, elseList, line: kw.line };
      }
      if (nextIt.type === 'keyword') this.fail(nextIt, `{{else ${nextIt.val}}} is not supported`);
      this.expect('rightDelim', 'else');
      const [l2, t2] = this.parseList(true);
      if (t2!.val !== 'end') this.fail(t2!, `expected end; found {{${t2!.val}}}`);
      elseList = l2;
    }
    // The shared {{end}}'s closing delimiter is consumed by the outermost if.
    this.vars.pop();
    return { kind: 'if', pipe, list, elseList, line: kw.line };
  }

  private parseTemplateCall(kw: Item): Node {
    const nameItem = this.next();
    if (nameItem.type !== 'string' && nameItem.type !== 'rawString') this.fail(nameItem, `${kw.val} clause: expected a quoted template name`);
    const tname = unquote(nameItem, this);
    let pipe: PipeNode | undefined;
    if (this.peek().type !== 'rightDelim') pipe = this.parsePipeline(kw.val, false);
    else this.next();
    this.references.push({ name: tname, line: kw.line, from: this.currentDefine });
    if (kw.val === 'block') {
      if (!pipe) this.fail(kw, 'block clause: missing pipeline');
      const saved = { vars: this.vars, def: this.currentDefine };
      this.vars = [['$']];
      this.currentDefine = tname;
      const [list, term] = this.parseList(true);
      this.vars = saved.vars;
      this.currentDefine = saved.def;
      if (term!.val !== 'end') this.fail(term!, 'block clause: expected end');
      this.expect('rightDelim', 'end');
      this.addDefine(tname, list);
    }
    return { kind: 'template', name: tname, pipe, line: kw.line };
  }

  /** parsePipeline reads `[decl] cmd | cmd` up to `}}` (consumed). */
  private parsePipeline(context: string, allowDecl: boolean | 'range'): PipeNode {
    const start = this.peek();
    const pipe: PipeNode = { kind: 'pipe', decl: [], isAssign: false, cmds: [], line: start.line };
    if (allowDecl && this.peek().type === 'variable') {
      const save = this.pos;
      const v = this.next();
      const after = this.peek();
      if (after.type === 'declare' || after.type === 'assign') {
        this.next();
        pipe.decl.push(v.val);
        pipe.isAssign = after.type === 'assign';
      } else if (after.type === 'comma' && allowDecl === 'range') {
        this.next();
        const v2 = this.next();
        if (v2.type !== 'variable') this.fail(v2, 'range can only initialize variables');
        const d = this.next();
        if (d.type !== 'declare' && d.type !== 'assign') this.fail(d, 'range: expected := after variables');
        pipe.decl.push(v.val, v2.val);
        pipe.isAssign = d.type === 'assign';
      } else if (after.type === 'comma') {
        this.fail(after, 'too many declarations in ' + context);
      } else {
        this.pos = save;
      }
      for (const d of pipe.decl) {
        if (pipe.isAssign) this.checkVariable(d, v);
        else this.vars[this.vars.length - 1].push(d);
      }
    }
    for (;;) {
      const it = this.peek();
      if (it.type === 'rightDelim' || it.type === 'rightParen') {
        if (it.type === 'rightDelim') this.next();
        break;
      }
      pipe.cmds.push(this.parseCommand());
      if (this.peek().type === 'pipe') this.next();
      else if (this.peek().type !== 'rightDelim' && this.peek().type !== 'rightParen') this.fail(this.peek(), `unexpected ${this.peek().val} in ${context}`);
    }
    if (pipe.cmds.length === 0) this.fail(start, `missing value for ${context}`);
    pipe.cmds.forEach((cmd, i) => {
      const first = cmd.args[0];
      if (i > 0 && ['bool', 'dot', 'nil', 'number', 'string'].includes(first.kind)) this.fail(start, `non executable command in pipeline stage ${i + 1}`);
      if (first.kind !== 'identifier') return;
      const nargs = cmd.args.length - 1 + (i > 0 ? 1 : 0);
      const firstArg = cmd.args[1];
      const reason = this.funcs.check(first.name, nargs, firstArg?.kind === 'string' ? firstArg.value : undefined);
      if (reason) this.fail(start, reason);
    });
    return pipe;
  }

  private parseCommand(): CommandNode {
    const first = this.peek();
    const args: ArgNode[] = [];
    for (;;) {
      const it = this.peek();
      if (['rightDelim', 'rightParen', 'pipe'].includes(it.type)) break;
      args.push(this.parseOperand());
    }
    if (args.length === 0) this.fail(first, 'empty command');
    if (args[0].kind === 'nil' && args.length === 1 && this.peek().type !== 'rightParen') this.fail(first, 'nil is not a command');
    return { args, line: first.line };
  }

  private parseOperand(): ArgNode {
    const it = this.next();
    let node: ArgNode;
    switch (it.type) {
      case 'identifier':
        if (!this.funcs.has(it.val)) this.fail(it, `function ${JSON.stringify(it.val)} not defined`);
        node = { kind: 'identifier', name: it.val };
        break;
      case 'dot': node = { kind: 'dot' }; break;
      case 'nil': node = { kind: 'nil' }; break;
      case 'bool': node = { kind: 'bool', value: it.val === 'true' }; break;
      case 'string':
      case 'rawString': node = { kind: 'string', value: unquote(it, this) }; break;
      case 'number': node = parseNumber(it, this); break;
      case 'char': return this.fail(it, `character constant ${it.val} is not supported`);
      case 'variable':
        this.checkVariable(it.val, it);
        node = { kind: 'variable', name: it.val, idents: this.fields() };
        return node;
      case 'field':
        return { kind: 'field', idents: [it.val.slice(1), ...this.fields()] };
      case 'leftParen': {
        const pipe = this.parsePipeline('parenthesized pipeline', false);
        const close = this.next();
        if (close.type !== 'rightParen') this.fail(close, 'unclosed left paren');
        node = pipe;
        break;
      }
      default:
        return this.fail(it, `unexpected ${it.val || it.type} in operand`);
    }
    const idents = this.fields();
    if (idents.length) {
      if (node.kind === 'bool' || node.kind === 'string' || node.kind === 'number' || node.kind === 'nil' || node.kind === 'identifier') {
        this.fail(it, `unexpected . after term ${JSON.stringify(it.val)}`);
      }
      if (node.kind === 'dot') this.fail(it, 'unexpected . after term "."');
      return { kind: 'chain', node, idents };
    }
    return node;
  }

  private fields(): string[] {
    const out: string[] = [];
    while (this.peek().type === 'field' && this.peek().attached) out.push(this.next().val.slice(1));
    return out;
  }

  private checkVariable(v: string, at: Item): void {
    if (!this.vars.some((scope) => scope.includes(v))) this.fail(at, `undefined variable ${JSON.stringify(v)}`);
  }

  private expect(type: Item['type'], context: string): Item {
    const it = this.next();
    if (it.type !== type) this.fail(it, `unexpected ${it.val || it.type} in ${context}`);
    return it;
  }

  private peek(): Item { return this.items[this.pos]; }
  private peekAt(n: number): Item { return this.items[Math.min(this.pos + n, this.items.length - 1)]; }
  private next(): Item { return this.items[Math.min(this.pos++, this.items.length - 1)]; }

  fail(it: Item, reason: string): never {
    throw new TemplateSyntaxError(this.name, it.line, it.col, reason);
  }
}

function unquote(it: Item, p: Parser): string {
  if (it.type === 'rawString') return it.val.slice(1, -1).replace(/\r/g, '');
  try {
    // Go and JSON share \n \t \" \\ \uXXXX; \x, \a, \v and octal escapes are mapped first.
    const src = it.val.replace(/\\x([0-9a-fA-F]{2})/g, '\\u00$1').replace(/\\a/g, '\\u0007').replace(/\\v/g, '\\u000b').replace(/\\U([0-9a-fA-F]{8})/g, (_m, h: string) => {
      const cp = String.fromCodePoint(parseInt(h, 16));
      return JSON.stringify(cp).slice(1, -1);
    });
    return JSON.parse(src) as string;
  } catch {
    return p.fail(it, `invalid syntax in string ${it.val}`);
  }
}

function parseNumber(it: Item, p: Parser): ArgNode {
  const text = it.val.replace(/_/g, '');
  if (text.endsWith('i')) return p.fail(it, `complex number ${it.val} is not supported`);
  const isFloat = /^[+-]?\d*\.|[eE]/.test(text) && !/^[+-]?0[xX]/.test(text);
  const value = isFloat ? Number(text) : Number(text.replace(/^([+-]?)0[oO]/, '$10o').replace(/^([+-]?)0([0-7]+)$/, '$10o$2'));
  if (Number.isNaN(value)) return p.fail(it, `bad number syntax: ${it.val}`);
  return { kind: 'number', text: it.val, value, isFloat };
}
