/**
 * Go's fmt and time formatting, as far as templates reach them: %v of floats (strconv 'g'
 * shortest), time.Time's String() and Format(layout), strconv.Quote, and fmt.Sprintf for the
 * verbs templates use. Output must match Go's byte for byte, since notifications are compared
 * against the real Alertmanager's.
 */

/**
 * formatFloat is strconv.FormatFloat(v, verb, prec, 64) for verbs e, f, g. With a precision
 * it rounds the exact binary value half-to-even as Go does (`%.1f` of 2.25 is `2.2`, where
 * JavaScript's toFixed gives `2.3`); prec -1 is the shortest representation.
 */
export function formatFloat(v: number, verb: 'e' | 'f' | 'g', prec: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  const sign = v < 0 || Object.is(v, -0) ? '-' : '';
  const x = Math.abs(v);
  let digits: string;
  let exp: number; // decimal exponent of the first digit
  if (prec < 0) {
    const [m, e] = x.toExponential().split('e');
    digits = m.replace('.', '');
    exp = Number(e);
  } else {
    const sig = verb === 'f' ? undefined : verb === 'e' ? prec + 1 : Math.max(prec, 1);
    [digits, exp] = roundExact(x, sig, verb === 'f' ? prec : undefined);
  }
  if (x === 0) exp = 0;
  if (verb === 'g') {
    const eprec = prec < 0 ? 6 : Math.max(prec, 1);
    digits = digits.replace(/0+$/, '') || '0';
    if (exp < -4 || exp >= eprec) return sign + expForm(digits, exp, digits.length - 1);
    return sign + fixedForm(digits, exp, Math.max(digits.length - exp - 1, 0));
  }
  if (verb === 'e') return sign + expForm(digits, exp, prec < 0 ? digits.length - 1 : prec);
  return sign + fixedForm(digits, exp, prec < 0 ? Math.max(digits.length - exp - 1, 0) : prec);
}

function expForm(digits: string, exp: number, frac: number): string {
  const d = digits.padEnd(frac + 1, '0');
  const mant = frac > 0 ? `${d[0]}.${d.slice(1, frac + 1)}` : d[0];
  const e = Math.abs(exp);
  return `${mant}e${exp < 0 ? '-' : '+'}${e < 10 ? `0${e}` : e}`;
}

function fixedForm(digits: string, exp: number, frac: number): string {
  // digits × 10^(exp - len + 1): lay them out around the decimal point.
  let int: string;
  let fr: string;
  if (exp >= 0) {
    const d = digits.padEnd(exp + 1, '0');
    int = d.slice(0, exp + 1);
    fr = d.slice(exp + 1);
  } else {
    int = '0';
    fr = '0'.repeat(-exp - 1) + digits;
  }
  fr = fr.padEnd(frac, '0').slice(0, frac);
  return frac > 0 ? `${int}.${fr}` : int;
}

/** exactDecimal is the exact decimal expansion of a finite double: integer and fraction digits. */
function exactDecimal(x: number): [string, string] {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const expBits = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & ((1n << 52n) - 1n);
  let e = -1074;
  if (expBits !== 0) {
    mant |= 1n << 52n;
    e = expBits - 1075;
  }
  if (e >= 0) return [(mant << BigInt(e)).toString(), ''];
  const s = (mant * 5n ** BigInt(-e)).toString().padStart(-e + 1, '0');
  return [s.slice(0, s.length + e), s.slice(s.length + e)];
}

/**
 * roundExact rounds |x| half-to-even to `sig` significant digits or `frac` fraction digits
 * and returns the digits with the decimal exponent of the first one.
 */
function roundExact(x: number, sig: number | undefined, frac: number | undefined): [string, number] {
  const [int, fr] = exactDecimal(x);
  const all = (int + fr).replace(/^0+/, '');
  const intLen = int.replace(/^0+/, '').length;
  const lead = intLen > 0 ? 0 : fr.length - fr.replace(/^0+/, '').length; // zeros after the point
  let exp = intLen > 0 ? intLen - 1 : -(lead + 1);
  if (all === '') return ['0', 0];
  const keepN = sig !== undefined ? sig : exp + 1 + frac!;
  if (keepN <= 0) {
    // Everything rounds away: the result is 0 or one unit in the last kept place.
    const up = keepN === 0 && (all[0] > '5' || (all[0] === '5' && /[1-9]/.test(all.slice(1))));
    return up ? ['1', exp + 1] : ['0', 0];
  }
  let kept = all.slice(0, keepN).padEnd(keepN, '0');
  const rest = all.slice(keepN);
  const half = rest[0] === '5' && !/[1-9]/.test(rest.slice(1));
  const roundUp = rest !== '' && (rest[0] > '5' || (rest[0] === '5' && !half) || (half && Number(kept[kept.length - 1]) % 2 === 1));
  if (roundUp) {
    const bumped = (BigInt(kept) + 1n).toString();
    if (bumped.length > kept.length) {
      exp++;
      kept = sig !== undefined ? bumped.slice(0, keepN) : bumped;
    } else kept = bumped;
  }
  return [kept, exp];
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** goTimeString is time.Time.String() for a UTC time: `2006-01-02 15:04:05.999999999 -0700 MST`. */
export function goTimeString(d: Date): string {
  return goTimeFormat(d, '2006-01-02 15:04:05.999999999 -0700 MST');
}

const pad = (n: number, w: number, c = '0') => String(n).padStart(w, c);

// Longest layout elements first at each position, as Go's nextStdChunk.
const LAYOUT = /January|Jan|Monday|Mon|MST|2006|002|__2|_2|01|02|03|04|05|06|15|PM|pm|-07:00:00|-070000|-07:00|-0700|-07|Z07:00:00|Z070000|Z07:00|Z0700|Z07|[.,](0+|9+)(?![0-9])|1|2|3|4|5/g;

/** goTimeFormat is time.Time.Format(layout) for times in UTC (our router keeps every time in UTC). */
export function goTimeFormat(d: Date, layout: string): string {
  const year = d.getUTCFullYear();
  const ms = d.getUTCMilliseconds();
  const hour = d.getUTCHours();
  const yday = Math.floor((Date.UTC(year, d.getUTCMonth(), d.getUTCDate()) - Date.UTC(year, 0, 1)) / 86_400_000) + 1;
  return layout.replace(LAYOUT, (tok) => {
    switch (tok) {
      case 'January': return MONTHS[d.getUTCMonth()];
      case 'Jan': return MONTHS[d.getUTCMonth()].slice(0, 3);
      case 'Monday': return DAYS[d.getUTCDay()];
      case 'Mon': return DAYS[d.getUTCDay()].slice(0, 3);
      case 'MST': return 'UTC';
      case '2006': return pad(year, 4);
      case '06': return pad(year % 100, 2);
      case '01': return pad(d.getUTCMonth() + 1, 2);
      case '1': return String(d.getUTCMonth() + 1);
      case '02': return pad(d.getUTCDate(), 2);
      case '2': return String(d.getUTCDate());
      case '_2': return pad(d.getUTCDate(), 2, ' ');
      case '002': return pad(yday, 3);
      case '__2': return pad(yday, 3, ' ');
      case '15': return pad(hour, 2);
      case '03': return pad(hour % 12 === 0 ? 12 : hour % 12, 2);
      case '3': return String(hour % 12 === 0 ? 12 : hour % 12);
      case '04': return pad(d.getUTCMinutes(), 2);
      case '4': return String(d.getUTCMinutes());
      case '05': return pad(d.getUTCSeconds(), 2);
      case '5': return String(d.getUTCSeconds());
      case 'PM': return hour >= 12 ? 'PM' : 'AM';
      case 'pm': return hour >= 12 ? 'pm' : 'am';
      case '-07:00:00': return '+00:00:00';
      case '-070000': return '+000000';
      case '-07:00': return '+00:00';
      case '-0700': return '+0000';
      case '-07': return '+00';
      default:
        if (tok.startsWith('Z')) return 'Z';
        return fraction(tok, ms);
    }
  });
}

function fraction(tok: string, ms: number): string {
  const digits = tok.length - 1;
  const frac = pad(ms, 3) + '000000';
  if (tok[1] === '0') return tok[0] + frac.slice(0, digits);
  const trimmed = frac.slice(0, digits).replace(/0+$/, '');
  return trimmed ? tok[0] + trimmed : '';
}

const PRINTABLE = /[\p{L}\p{M}\p{N}\p{P}\p{S} ]/u;

/** goQuote is strconv.Quote: printable runes kept, others escaped the Go way. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (PRINTABLE.test(ch)) out += ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\x07') out += '\\a';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (ch === '\v') out += '\\v';
    else if (cp < 0x80) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if (cp < 0x10000) out += `\\u${cp.toString(16).padStart(4, '0')}`;
    else out += `\\U${cp.toString(16).padStart(8, '0')}`;
  }
  return `${out}"`;
}
