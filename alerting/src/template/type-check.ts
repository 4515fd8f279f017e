import { TemplateSyntaxError } from './lexer';
import type { ArgNode, CommandNode, ListNode, Node, PipeNode } from './nodes';

/**
 * typeCheck walks a notification template with the static types of Alertmanager's data
 * (template.Data, Alert, KV…) and rejects, at config load, what Go would only report when a
 * page is being sent: a misspelt field (`.Recevier`), a method with the wrong number of
 * arguments, ranging over a non-collection. Where a type is not known for certain (`index`
 * results, nil dots, `and`/`or`) it checks nothing, so it never rejects a working template.
 */
type T = string;
const ANY: T = '?';

interface Member {
  type: T;
  /** Number of arguments for a method; undefined for a field. */
  params?: number;
}

const TIME_MEMBERS: Record<string, Member> = {
  Format: { type: 'string', params: 1 },
  String: { type: 'string', params: 0 },
  Unix: { type: 'int', params: 0 },
  UnixMilli: { type: 'int', params: 0 },
  UTC: { type: 'time.Time', params: 0 },
  Local: { type: 'time.Time', params: 0 },
  IsZero: { type: 'bool', params: 0 },
  Year: { type: 'int', params: 0 },
  Day: { type: 'int', params: 0 },
  Hour: { type: 'int', params: 0 },
  Minute: { type: 'int', params: 0 },
};

const MEMBERS: Record<T, Record<string, Member>> = {
  '*template.Data': {
    Receiver: { type: 'string' },
    Status: { type: 'string' },
    Alerts: { type: 'template.Alerts' },
    GroupLabels: { type: 'template.KV' },
    CommonLabels: { type: 'template.KV' },
    CommonAnnotations: { type: 'template.KV' },
    ExternalURL: { type: 'string' },
  },
  'template.Alert': {
    Status: { type: 'string' },
    Labels: { type: 'template.KV' },
    Annotations: { type: 'template.KV' },
    StartsAt: { type: 'time.Time' },
    EndsAt: { type: 'time.Time' },
    GeneratorURL: { type: 'string' },
    Fingerprint: { type: 'string' },
  },
  'template.Alerts': { Firing: { type: '[]template.Alert', params: 0 }, Resolved: { type: '[]template.Alert', params: 0 } },
  '[]template.Alert': {},
  'template.KV': {
    SortedPairs: { type: 'template.Pairs', params: 0 },
    Names: { type: '[]string', params: 0 },
    Values: { type: '[]string', params: 0 },
    Remove: { type: 'template.KV', params: 1 },
  },
  'template.Pairs': { Names: { type: '[]string', params: 0 }, Values: { type: '[]string', params: 0 } },
  'template.Pair': { Name: { type: 'string' }, Value: { type: 'string' } },
  'time.Time': TIME_MEMBERS,
  string: {},
  int: {},
  float64: {},
  bool: {},
  '[]string': {},
};

const ELEM: Record<T, T> = {
  'template.Alerts': 'template.Alert',
  '[]template.Alert': 'template.Alert',
  'template.Pairs': 'template.Pair',
  '[]string': 'string',
  'template.KV': 'string',
};

const FUNC_RESULT: Record<string, T> = {
  toUpper: 'string', toLower: 'string', title: 'string', join: 'string', safeHtml: 'string', reReplaceAll: 'string',
  printf: 'string', print: 'string', println: 'string', html: 'string', js: 'string', urlquery: 'string',
  match: 'bool', not: 'bool', eq: 'bool', ne: 'bool', lt: 'bool', le: 'bool', gt: 'bool', ge: 'bool',
  stringSlice: '[]string', len: 'int',
};

export const DATA_TYPE = '*template.Data';

export function typeCheck(name: string, body: ListNode, templates: ReadonlyMap<string, ListNode>): void {
  new Checker(templates).checkTemplate(name, body, DATA_TYPE);
}

class Checker {
  private readonly done = new Set<string>();
  private name = '';
  private vars: Map<string, T>[] = [];

  constructor(private readonly templates: ReadonlyMap<string, ListNode>) {}

  checkTemplate(name: string, body: ListNode, dot: T): void {
    const key = `${name}\0${dot}`;
    if (this.done.has(key)) return;
    this.done.add(key);
    const saved = { name: this.name, vars: this.vars };
    this.name = name;
    this.vars = [new Map([['$', dot]])];
    this.list(body, dot);
    this.name = saved.name;
    this.vars = saved.vars;
  }

  private fail(line: number, reason: string): never {
    throw new TemplateSyntaxError(this.name, line, 0, reason);
  }

  private list(list: ListNode, dot: T): void {
    for (const n of list.nodes) this.node(n, dot);
  }

  private node(n: Node, dot: T): void {
    switch (n.kind) {
      case 'action':
        this.pipe(n.pipe, dot);
        return;
      case 'if':
      case 'with': {
        this.vars.push(new Map());
        const t = this.pipe(n.pipe, dot);
        this.list(n.list, n.kind === 'with' ? t : dot);
        if (n.elseList) this.list(n.elseList, dot);
        this.vars.pop();
        return;
      }
      case 'range': {
        this.vars.push(new Map());
        const t = this.pipe({ ...n.pipe, decl: [] }, dot);
        let elem = ANY;
        if (t !== ANY) {
          if (!(t in ELEM)) this.fail(n.line, `range can't iterate over a value of type ${t}`);
          elem = ELEM[t];
        }
        const scope = this.vars[this.vars.length - 1];
        if (n.pipe.decl.length === 1) scope.set(n.pipe.decl[0], elem);
        if (n.pipe.decl.length === 2) {
          scope.set(n.pipe.decl[0], t === 'template.KV' ? 'string' : t === ANY ? ANY : 'int');
          scope.set(n.pipe.decl[1], elem);
        }
        this.list(n.list, elem);
        if (n.elseList) this.list(n.elseList, dot);
        this.vars.pop();
        return;
      }
      case 'template': {
        const t = n.pipe ? this.pipe(n.pipe, dot) : ANY;
        const body = this.templates.get(n.name);
        if (body) this.checkTemplate(n.name, body, t);
        return;
      }
      default:
        return;
    }
  }

  private pipe(p: PipeNode, dot: T): T {
    let t: T | undefined;
    for (const cmd of p.cmds) t = this.command(cmd, dot, t);
    const result = t ?? ANY;
    for (const d of p.decl) {
      if (p.isAssign) {
        // Re-assignment may change the dynamic type; stop trusting the variable's type.
        for (const scope of this.vars) if (scope.has(d)) scope.set(d, ANY);
      } else this.vars[this.vars.length - 1].set(d, result);
    }
    return result;
  }

  private lookup(v: string): T {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      const t = this.vars[i].get(v);
      if (t !== undefined) return t;
    }
    return ANY;
  }

  private command(cmd: CommandNode, dot: T, final: T | undefined): T {
    const [first, ...args] = cmd.args;
    const nargs = args.length + (final !== undefined ? 1 : 0);
    for (const a of args) this.arg(a, dot, cmd.line);
    switch (first.kind) {
      case 'field': return this.chain(dot, first.idents, nargs, cmd.line);
      case 'variable': return first.idents.length ? this.chain(this.lookup(first.name), first.idents, nargs, cmd.line) : this.lookup(first.name);
      case 'chain': return this.chain(this.arg(first.node, dot, cmd.line), first.idents, nargs, cmd.line);
      case 'identifier': return FUNC_RESULT[first.name] ?? ANY;
      default: return this.arg(first, dot, cmd.line);
    }
  }

  private arg(a: ArgNode, dot: T, line: number): T {
    switch (a.kind) {
      case 'dot': return dot;
      case 'string': return 'string';
      case 'bool': return 'bool';
      case 'number': return a.isFloat ? 'float64' : 'int';
      case 'nil': return ANY;
      case 'field': return this.chain(dot, a.idents, 0, line);
      case 'variable': return a.idents.length ? this.chain(this.lookup(a.name), a.idents, 0, line) : this.lookup(a.name);
      case 'chain': return this.chain(this.arg(a.node, dot, line), a.idents, 0, line);
      case 'identifier': return FUNC_RESULT[a.name] ?? ANY;
      case 'pipe': {
        this.vars.push(new Map());
        const t = this.pipe(a, dot);
        this.vars.pop();
        return t;
      }
    }
  }

  /** chain resolves `.a.b.c` on `t`; only the last link receives the command's arguments. */
  private chain(t: T, idents: string[], nargs: number, line: number): T {
    let cur = t;
    idents.forEach((id, i) => {
      if (cur === ANY) return;
      const last = i === idents.length - 1;
      const members = MEMBERS[cur];
      if (!members) {
        cur = ANY;
        return;
      }
      const m = members[id];
      if (!m) {
        if (cur === 'template.KV') {
          if (last && nargs > 0) this.fail(line, `${id} is not a method but has arguments`);
          cur = 'string';
          return;
        }
        if (cur === 'time.Time') this.fail(line, `time.Time method ${id} is not supported by this router (supported: ${Object.keys(TIME_MEMBERS).join(', ')})`);
        this.fail(line, `can't evaluate field ${id} in type ${cur}`);
      }
      const given = last ? nargs : 0;
      if (m.params === undefined && given > 0) this.fail(line, `${id} has arguments but cannot be invoked as function`);
      if (m.params !== undefined && given !== m.params) this.fail(line, `wrong number of args for ${id}: want ${m.params} got ${given}`);
      cur = m.type;
    });
    return cur;
  }
}
