/**
 * lex splits Go text/template source into items, as Go's text/template/parse lexer does:
 * text between actions, and inside `{{ … }}` identifiers, fields, variables, literals and
 * punctuation. Trim markers `{{- ` / ` -}}` remove adjacent whitespace from the text items;
 * comments `{{/* … *\/}}` produce no item. Errors carry the line so the caller can name it.
 */
export type ItemType =
  | 'text' | 'leftDelim' | 'rightDelim' | 'identifier' | 'keyword' | 'field' | 'variable'
  | 'string' | 'rawString' | 'number' | 'bool' | 'nil' | 'dot' | 'leftParen' | 'rightParen'
  | 'pipe' | 'declare' | 'assign' | 'comma' | 'char' | 'eof';

export interface Item {
  type: ItemType;
  val: string;
  line: number;
  col: number;
  /** A field written directly after a term (`$x.a`, `(pipe).a`, `.a.b`), i.e. a chain link. */
  attached?: boolean;
}

export class TemplateSyntaxError extends Error {
  constructor(
    readonly templateName: string,
    readonly line: number,
    readonly col: number,
    readonly reason: string,
  ) {
    super(`template: ${templateName}:${line}:${col}: ${reason}`);
    this.name = 'TemplateSyntaxError';
  }
}

const KEYWORDS = new Set(['if', 'else', 'end', 'range', 'with', 'define', 'template', 'block', 'break', 'continue']);
const SPACE = /[ \t\r\n]/;
const ALNUM = /[\p{L}\p{N}_]/u;

export function lex(name: string, src: string): Item[] {
  const items: Item[] = [];
  let pos = 0;
  let parenDepth = 0;

  // Newline offsets, so locating an item is a binary search rather than a rescan.
  const newlines: number[] = [];
  for (let i = src.indexOf('\n'); i !== -1; i = src.indexOf('\n', i + 1)) newlines.push(i);
  const lineCol = (at: number): [number, number] => {
    let lo = 0;
    let hi = newlines.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (newlines[mid] < at) lo = mid + 1;
      else hi = mid;
    }
    return [lo + 1, at - (lo > 0 ? newlines[lo - 1] : -1)];
  };
  const fail = (at: number, reason: string): never => {
    const [line, col] = lineCol(at);
    throw new TemplateSyntaxError(name, line, col, reason);
  };
  const emit = (type: ItemType, val: string, at: number, attached?: boolean) => {
    const [line, col] = lineCol(at);
    items.push({ type, val, line, col, attached });
  };

  while (pos < src.length) {
    const open = src.indexOf('{{', pos);
    const textEnd = open === -1 ? src.length : open;
    let text = src.slice(pos, textEnd);
    if (open !== -1 && src.startsWith('{{- ', open)) text = text.replace(/[ \t\r\n]+$/, '');
    else if (open !== -1 && /^\{\{-[\t\r\n]/.test(src.slice(open, open + 4))) text = text.replace(/[ \t\r\n]+$/, '');
    if (text) emit('text', text, pos);
    if (open === -1) break;
    pos = open + 2;
    const leftTrim = src[pos] === '-' && SPACE.test(src[pos + 1] ?? '');
    if (leftTrim) pos += 2;
    // Comments sit directly against the delimiters (after an optional trim marker).
    const afterSpace = leftTrim ? skipSpace(src, pos) : pos;
    if (src.startsWith('/*', afterSpace)) {
      const close = src.indexOf('*/', afterSpace + 2);
      if (close === -1) fail(open, 'unclosed comment');
      let p = close + 2;
      let rightTrim = false;
      if (/^[ \t\r\n]+-\}\}/.test(src.slice(p, p + 64))) {
        p = src.indexOf('-}}', p) + 1;
        rightTrim = true;
      }
      if (!src.startsWith('}}', p)) fail(close, 'comment ends before closing delimiter');
      pos = p + 2;
      if (rightTrim) pos = skipSpace(src, pos);
      continue;
    }
    emit('leftDelim', '{{', open);
    parenDepth = 0;
    // Inside an action.
    for (;;) {
      if (pos >= src.length) fail(open, 'unclosed action');
      const c = src[pos];
      if (SPACE.test(c)) {
        const start = pos;
        pos = skipSpace(src, pos);
        if (src.startsWith('-}}', pos) && pos > start) {
          if (parenDepth) fail(start, 'unclosed left paren');
          emit('rightDelim', '}}', pos);
          pos = skipSpace(src, pos + 3);
          break;
        }
        if (src.startsWith('}}', pos)) continue;
        continue;
      }
      if (src.startsWith('}}', pos)) {
        if (parenDepth) fail(pos, 'unclosed left paren');
        emit('rightDelim', '}}', pos);
        pos += 2;
        break;
      }
      if (c === '(') { parenDepth++; emit('leftParen', c, pos++); continue; }
      if (c === ')') {
        if (--parenDepth < 0) fail(pos, 'unexpected right paren');
        emit('rightParen', c, pos++);
        continue;
      }
      if (c === '|') { emit('pipe', c, pos++); continue; }
      if (c === ',') { emit('comma', c, pos++); continue; }
      if (c === ':') {
        if (src[pos + 1] !== '=') fail(pos, 'expected :=');
        emit('declare', ':=', pos);
        pos += 2;
        continue;
      }
      if (c === '=') { emit('assign', c, pos++); continue; }
      if (c === '"') {
        let p = pos + 1;
        while (p < src.length && src[p] !== '"') {
          if (src[p] === '\\') p++;
          if (src[p] === '\n') fail(pos, 'unterminated quoted string');
          p++;
        }
        if (p >= src.length) fail(pos, 'unterminated quoted string');
        emit('string', src.slice(pos, p + 1), pos);
        pos = p + 1;
        continue;
      }
      if (c === '`') {
        const close = src.indexOf('`', pos + 1);
        if (close === -1) fail(pos, 'unterminated raw quoted string');
        emit('rawString', src.slice(pos, close + 1), pos);
        pos = close + 1;
        continue;
      }
      if (c === "'") {
        const m = /^'(\\.|[^\\'])[^']*'/.exec(src.slice(pos));
        if (!m) fail(pos, 'unterminated character constant');
        emit('char', m![0], pos);
        pos += m![0].length;
        continue;
      }
      if (c === '$') {
        let p = pos + 1;
        while (p < src.length && ALNUM.test(src[p])) p++;
        emit('variable', src.slice(pos, p), pos);
        pos = p;
        pos = lexFieldChain(src, pos, emit);
        continue;
      }
      if (c === '.') {
        if (/[0-9]/.test(src[pos + 1] ?? '')) {
          pos = lexNumber(src, pos, emit, fail);
          continue;
        }
        if (!ALNUM.test(src[pos + 1] ?? '')) { emit('dot', '.', pos++); continue; }
        pos = lexFieldChain(src, pos, emit);
        continue;
      }
      if (/[0-9+-]/.test(c)) {
        pos = lexNumber(src, pos, emit, fail);
        continue;
      }
      if (ALNUM.test(c)) {
        let p = pos;
        while (p < src.length && ALNUM.test(src[p])) p++;
        const word = src.slice(pos, p);
        if (KEYWORDS.has(word)) emit('keyword', word, pos);
        else if (word === 'true' || word === 'false') emit('bool', word, pos);
        else if (word === 'nil') emit('nil', word, pos);
        else emit('identifier', word, pos);
        pos = p;
        // A field access directly after a parenthesised pipeline or identifier is a chain.
        continue;
      }
      fail(pos, `unrecognized character in action: ${JSON.stringify(c)}`);
    }
  }
  emit('eof', '', src.length);
  return items;
}

function skipSpace(src: string, pos: number): number {
  while (pos < src.length && SPACE.test(src[pos])) pos++;
  return pos;
}

/** lexFieldChain emits `.a.b.c` as consecutive field items. */
function lexFieldChain(src: string, pos: number, emit: (t: ItemType, v: string, at: number, attached?: boolean) => void): number {
  while (src[pos] === '.' && ALNUM.test(src[pos + 1] ?? '')) {
    let p = pos + 1;
    while (p < src.length && ALNUM.test(src[p])) p++;
    emit('field', src.slice(pos, p), pos, pos > 0 && /[\p{L}\p{N}_)$]/u.test(src[pos - 1]));
    pos = p;
  }
  return pos;
}

function lexNumber(
  src: string,
  pos: number,
  emit: (t: ItemType, v: string, at: number) => void,
  fail: (at: number, reason: string) => never,
): number {
  const m = /^[+-]?(0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+|(\d[\d_]*)?\.?\d*([eE][+-]?\d+)?i?)/.exec(src.slice(pos));
  const text = m ? m[0] : '';
  if (!text || text === '+' || text === '-' || ALNUM.test(src[pos + text.length] ?? '')) {
    fail(pos, `bad number syntax: ${JSON.stringify(src.slice(pos, pos + text.length + 1))}`);
  }
  emit('number', text, pos);
  return pos + text.length;
}
