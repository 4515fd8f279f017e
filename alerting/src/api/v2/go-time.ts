/**
 * Go's time.Parse for the layouts go-openapi's strfmt.DateTime tries, as Alertmanager 0.25
 * (Go 1.19) decodes alert and silence times: which strings it accepts, and the error of the
 * last layout it tried for those it refuses (Alertmanager echoes it in its 400 bodies).
 */
import type { TimeForm } from '../../types/go-time';
import { daysInMonth } from '../../../../platform/time/calendar';

/** A parsed instant (to the millisecond) and how it was written: Alertmanager prints it back so. */
export interface GoTime extends TimeForm {
  ms: number;
}

export class GoTimeParseError extends Error {}

type Std = '2006' | '01' | '02' | '15' | '04' | '05' | '.000' | '.000000' | '.999999999' | 'Z07:00' | 'Z0700';
type Token = Std | { literal: string };

const T = { literal: 'T' };
const DASH = { literal: '-' };
const COLON = { literal: ':' };
const DATE: Token[] = ['2006', DASH, '01', DASH, '02'];
const CLOCK: Token[] = ['15', COLON, '04', COLON, '05'];

/** strfmt.DateTimeFormats, in the order strfmt tries them. */
const LAYOUTS: { layout: string; tokens: Token[] }[] = [
  { layout: '2006-01-02T15:04:05.000000Z07:00', tokens: [...DATE, T, ...CLOCK, '.000000', 'Z07:00'] },
  { layout: '2006-01-02T15:04:05.000000Z0700', tokens: [...DATE, T, ...CLOCK, '.000000', 'Z0700'] },
  { layout: '2006-01-02T15:04:05.000Z07:00', tokens: [...DATE, T, ...CLOCK, '.000', 'Z07:00'] },
  { layout: '2006-01-02T15:04:05.000Z0700', tokens: [...DATE, T, ...CLOCK, '.000', 'Z0700'] },
  { layout: '2006-01-02T15:04:05Z07:00', tokens: [...DATE, T, ...CLOCK, 'Z07:00'] },
  { layout: '2006-01-02T15:04:05.999999999Z07:00', tokens: [...DATE, T, ...CLOCK, '.999999999', 'Z07:00'] },
  { layout: '2006-01-02T15:04:05', tokens: [...DATE, T, ...CLOCK] },
  { layout: '2006-01-02T15:04Z', tokens: [...DATE, T, '15', COLON, '04', { literal: 'Z' }] },
  { layout: '2006-01-02T15:04', tokens: [...DATE, T, '15', COLON, '04'] },
  { layout: '2006-01-02 15:04:05', tokens: [...DATE, { literal: ' ' }, ...CLOCK] },
];

/** goQuote is Go's time.quote: ASCII as is (with \" and \\), anything else as \x bytes. */
function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (code >= 0x80 || code < 0x20) {
      for (const byte of Buffer.from(ch, 'utf8')) out += `\\x${byte.toString(16).padStart(2, '0')}`;
    } else out += ch === '"' || ch === '\\' ? `\\${ch}` : ch;
  }
  return `${out}"`;
}

const isDigit = (s: string, i: number) => i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57;

/** getnum reads one or (fixed: exactly) two digits. */
function getnum(s: string, fixed: boolean): [number, string] | undefined {
  if (!isDigit(s, 0)) return undefined;
  if (!isDigit(s, 1)) return fixed ? undefined : [s.charCodeAt(0) - 48, s.slice(1)];
  return [(s.charCodeAt(0) - 48) * 10 + (s.charCodeAt(1) - 48), s.slice(2)];
}

/** atoi is time.atoi: an optional sign, then only digits. */
function atoi(s: string): number | undefined {
  const m = /^([+-]?)(\d+)$/.exec(s);
  if (!m) return undefined;
  return m[1] === '-' ? -Number(m[2]) : Number(m[2]);
}

function skip(value: string, prefix: string): [string, boolean] {
  while (prefix.length > 0) {
    if (prefix[0] === ' ') {
      if (value.length > 0 && value[0] !== ' ') return [value, false];
      prefix = prefix.trimStart();
      value = value.replace(/^ +/, '');
      continue;
    }
    if (value.length === 0 || value[0] !== prefix[0]) return [value, false];
    prefix = prefix.slice(1);
    value = value.slice(1);
  }
  return [value, true];
}

const commaOrPeriod = (c: string | undefined) => c === '.' || c === ',';

/** parseNanoseconds reads a fraction of nbytes characters (separator included). */
function parseNanoseconds(value: string, nbytes: number): { ns?: number; range?: string } {
  if (!commaOrPeriod(value[0])) return {};
  const n = atoi(value.slice(1, Math.min(nbytes, 10)));
  if (n === undefined) return {};
  if (n < 0) return { range: 'fractional second' };
  return { ns: n * 10 ** (10 - Math.min(nbytes, 10)) };
}

/** parseLayout is time.Parse(layout, value) for the tokens of one strfmt layout. */
function parseLayout(input: string, layout: string, tokens: Token[]): GoTime {
  const fail = (elem: string, value: string) => new GoTimeParseError(`parsing time ${goQuote(input)} as ${goQuote(layout)}: cannot parse ${goQuote(value)} as ${goQuote(elem)}`);
  const outOfRange = (what: string) => new GoTimeParseError(`parsing time ${goQuote(input)}: ${what} out of range`);
  let value = input;
  let year = 0;
  let month = 1;
  let day = 1;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let ns = 0;
  let offsetSeconds = 0;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (typeof token !== 'string') {
      const [rest, ok] = skip(value, token.literal);
      if (!ok) throw fail(token.literal, rest);
      value = rest;
      continue;
    }
    let ok = true;
    let range: string | undefined;
    /** readFraction consumes nbytes of fraction (separator included), as Go's parseNanoseconds does. */
    const readFraction = (nbytes: number) => {
      const frac = parseNanoseconds(value, nbytes);
      if (frac.range) range = frac.range;
      else if (frac.ns === undefined) ok = false;
      else ns = frac.ns;
      value = value.slice(nbytes);
    };
    switch (token) {
      case '2006': {
        if (value.length < 4 || !isDigit(value, 0)) {
          ok = false;
          break;
        }
        const y = atoi(value.slice(0, 4));
        value = value.slice(4);
        if (y === undefined) ok = false;
        else year = y;
        break;
      }
      case '01':
      case '02':
      case '15':
      case '04':
      case '05': {
        const got = getnum(value, token !== '15');
        if (!got) {
          ok = false;
          break;
        }
        const [n, rest] = got;
        value = rest;
        if (token === '01') [month, range] = [n, n <= 0 || n > 12 ? 'month' : undefined];
        else if (token === '02') day = n;
        else if (token === '15') [hour, range] = [n, n >= 24 ? 'hour' : undefined];
        else if (token === '04') [minute, range] = [n, n >= 60 ? 'minute' : undefined];
        else {
          [second, range] = [n, n >= 60 ? 'second' : undefined];
          const next = tokens[i + 1];
          // A fraction the layout does not ask for is read anyway, as Go does.
          if (!range && value.length >= 2 && commaOrPeriod(value[0]) && isDigit(value, 1) && next !== '.000' && next !== '.000000' && next !== '.999999999') {
            let n2 = 2;
            while (isDigit(value, n2)) n2++;
            readFraction(n2);
          }
        }
        break;
      }
      case '.000':
      case '.000000': {
        const ndigit = token.length;
        if (value.length < ndigit) {
          ok = false;
          break;
        }
        readFraction(ndigit);
        break;
      }
      case '.999999999': {
        if (value.length < 2 || !commaOrPeriod(value[0]) || !isDigit(value, 1)) break; // fraction omitted
        let n2 = 1;
        while (isDigit(value, n2 + 1)) n2++;
        readFraction(1 + n2);
        break;
      }
      case 'Z07:00':
      case 'Z0700': {
        if (value[0] === 'Z') {
          value = value.slice(1);
          offsetSeconds = 0;
          break;
        }
        const colon = token === 'Z07:00';
        if (value.length < (colon ? 6 : 5) || (colon && value[3] !== ':')) {
          ok = false;
          break;
        }
        const sign = value[0];
        const hh = getnum(value.slice(1, 3), true);
        const mm = getnum(colon ? value.slice(4, 6) : value.slice(3, 5), true);
        value = value.slice(colon ? 6 : 5);
        if (!hh || !mm || (sign !== '+' && sign !== '-')) {
          ok = false;
          break;
        }
        // Go 1.19 takes any two-digit offset (+25:00, +02:61): only later Go versions range-check it.
        offsetSeconds = (sign === '-' ? -1 : 1) * (hh[0] * 60 + mm[0]) * 60;
        break;
      }
    }
    if (range) throw outOfRange(range);
    // Go 1.19 reports what was left of the value after the element consumed its part.
    if (!ok) throw fail(token, value);
  }
  if (value.length > 0) throw new GoTimeParseError(`parsing time ${goQuote(input)}: extra text: ${goQuote(value)}`);
  if (day < 1 || day > daysInMonth(year, month)) throw outOfRange('day');
  const utc = new Date(0);
  utc.setUTCFullYear(year, month - 1, day);
  utc.setUTCHours(hour, minute, second, Math.floor(ns / 1e6));
  return { ms: utc.getTime() - offsetSeconds * 1000, offsetMinutes: offsetSeconds / 60, subMsNanos: ns % 1e6 };
}

// The common form, which every layout-by-layout attempt would accept the same way.
const PLAIN_RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:Z|([+-])(\d{2}):(\d{2}))$/;

/** subMsNanos: the nanoseconds below the millisecond in a fraction's digits (Go reads nine, Date.parse three). */
const subMsNanos = (digits: string | undefined) => (digits && digits.length > 3 ? Number(digits.slice(3, 9).padEnd(6, '0')) : 0);

/**
 * parseStrfmtDateTime decodes a time as strfmt.ParseDateTime does: "" is Go's zero time;
 * otherwise the first layout that parses wins, and if none does, the last one's error.
 */
export function parseStrfmtDateTime(value: string): GoTime {
  if (value === '') return { ms: GO_ZERO_MS, offsetMinutes: 0, subMsNanos: 0 };
  const plain = PLAIN_RFC3339.exec(value);
  if (plain && Number(plain[2]) >= 1 && Number(plain[2]) <= 12 && Number(plain[3]) >= 1 && Number(plain[3]) <= daysInMonth(Number(plain[1]), Number(plain[2])) && Number(plain[4]) < 24 && Number(plain[5]) < 60 && Number(plain[6]) < 60 && Number(plain[1]) >= 100) {
    const ms = Date.parse(value);
    const offsetMinutes = plain[8] ? (plain[8] === '-' ? -1 : 1) * (Number(plain[9]) * 60 + Number(plain[10])) : 0;
    if (!Number.isNaN(ms) && Number(plain[9] ?? 0) <= 23 && Number(plain[10] ?? 0) <= 59) return { ms, offsetMinutes, subMsNanos: subMsNanos(plain[7]) };
  }
  let last: GoTimeParseError | undefined;
  for (const { layout, tokens } of LAYOUTS) {
    try {
      return parseLayout(value, layout, tokens);
    } catch (err) {
      last = err as GoTimeParseError;
    }
  }
  throw last!;
}

const QUOTE = { literal: '"' };
const JSON_RFC3339 = { layout: '"2006-01-02T15:04:05Z07:00"', tokens: [QUOTE, ...DATE, T, ...CLOCK, 'Z07:00', QUOTE] as Token[] };

/**
 * parseGoJsonTime decodes a time.Time from its JSON token as Go 1.19's Time.UnmarshalJSON
 * does (Alertmanager's API v1): `raw` is the token's text, quotes included; `null` is the zero
 * time. It is RFC 3339 only, unlike strfmt's list of layouts.
 */
export function parseGoJsonTime(raw: string): GoTime {
  if (raw === 'null') return { ms: GO_ZERO_MS, offsetMinutes: 0, subMsNanos: 0 };
  return parseLayout(raw, JSON_RFC3339.layout, JSON_RFC3339.tokens);
}

/** Go's zero time.Time, 0001-01-01T00:00:00Z, which Go clients (amtool) send for "unset". */
export const GO_ZERO_MS = -62135596800000;
