import { GO_ZERO_MS, GoTimeParseError, parseGoJsonTime, parseStrfmtDateTime, type GoTime } from './go-time';

/** JsonBodyError is a body Go's encoding/json would reject, with its message. */
export class JsonBodyError extends Error {}

function quoteChar(c: string): string {
  if (c === "'") return "'\\''";
  if (c === '"') return '\'"\'';
  const q = JSON.stringify(c);
  return `'${q.slice(1, -1)}'`;
}

/**
 * brokenLiteral finds the first null, true or false outside strings that goes wrong at
 * character `c` (V8's message names the character but, for short bodies, not where): Go's
 * scanner names that literal and the character it expected there.
 */
function brokenLiteral(text: string, c: string): { word: string; expected: string } | undefined {
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') inString = true;
    const word = ch === 'n' ? 'null' : ch === 't' ? 'true' : ch === 'f' ? 'false' : undefined;
    if (!word) continue;
    let k = 1;
    while (k < word.length && text[i + k] === word[k]) k++;
    if (k < word.length && text[i + k] === c) return { word, expected: word[k] };
    i += k - 1;
  }
  return undefined;
}

/**
 * parseJsonLikeGo parses a request body as Go's json.Decoder reads one: the first JSON value,
 * whatever follows it; V8's syntax errors become the messages Go's encoding/json gives
 * (Alertmanager echoes them in its 400 bodies).
 */
export function parseJsonLikeGo(text: string): unknown {
  if (text.trim() === '') throw new JsonBodyError('EOF');
  try {
    return JSON.parse(text);
  } catch (err) {
    const message = (err as Error).message;
    const pos = Number(/position (\d+)/.exec(message)?.[1] ?? NaN);
    // Go's json.Decoder, which Alertmanager reads bodies with, stops after the first value.
    if (/non-whitespace character after JSON/.test(message)) return JSON.parse(text.slice(0, pos));
    const token = /Unexpected token '([\s\S])'/.exec(message)?.[1];
    const c = token ?? (Number.isNaN(pos) ? undefined : text[pos]);
    if (c === undefined || /Unexpected end|Unterminated string/.test(message)) throw new JsonBodyError('unexpected end of JSON input');
    const literal = brokenLiteral(text, c);
    if (literal) throw new JsonBodyError(`invalid character ${quoteChar(c)} in literal ${literal.word} (expecting ${quoteChar(literal.expected)})`);
    if (/Bad control character/.test(message)) throw new JsonBodyError(`invalid character ${quoteChar(c)} in string literal`);
    if (/property name/.test(message) && !/after property name/.test(message)) throw new JsonBodyError(`invalid character ${quoteChar(c)} looking for beginning of object key string`);
    if (/after property name/.test(message)) throw new JsonBodyError(`invalid character ${quoteChar(c)} after object key`);
    if (/after property value/.test(message)) throw new JsonBodyError(`invalid character ${quoteChar(c)} after object key:value pair`);
    if (/after array element/.test(message)) throw new JsonBodyError(`invalid character ${quoteChar(c)} after array element`);
    throw new JsonBodyError(`invalid character ${quoteChar(c)} looking for beginning of value`);
  }
}

/** goTypeName names a JSON value's kind as Go's UnmarshalTypeError does. */
export function goTypeName(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  if (typeof v === 'boolean') return 'bool';
  return typeof v;
}

/** asBodyError runs a Go time parse; what Go refuses becomes the body's error. */
function asBodyError(parse: () => GoTime): GoTime {
  try {
    return parse();
  } catch (err) {
    if (err instanceof GoTimeParseError) throw new JsonBodyError(err.message);
    throw err;
  }
}

/** parseGoTime decodes a strfmt.DateTime as Alertmanager's API v2 does, with Go's error for what it refuses. */
export const parseGoTime = (value: string): GoTime => asBodyError(() => parseStrfmtDateTime(value));

/** parseGoTimeToken decodes a time.Time from its JSON token as API v1 does (see parseGoJsonTime). */
export const parseGoTimeToken = (raw: string): GoTime => asBodyError(() => parseGoJsonTime(raw));

/** isGoZeroTime: Go's zero time.Time, which Go clients (amtool) send for "unset". */
export function isGoZeroTime(t: GoTime): boolean {
  return t.ms === GO_ZERO_MS;
}
