/**
 * Go's fmt and time formatting, as far as templates reach them: %v of floats (strconv 'g'
 * shortest), time.Time's String() and Format(layout), strconv.Quote, and fmt.Sprintf for the
 * verbs templates use. Output must match Go's byte for byte, since notifications are compared
 * against the real Alertmanager's.
 */

/** formatFloat is strconv.FormatFloat(v, verb, prec, 64) for verbs e, f, g. */
export function formatFloat(v: number, verb: 'e' | 'f' | 'g', prec: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  if (verb === 'f') return v.toFixed(prec < 0 ? fracDigits(v) : prec);
  if (verb === 'e') return goExp(prec < 0 ? v.toExponential() : v.toExponential(prec));
  // %g: shortest digits decide between %e and %f, as strconv does.
  const shortest = prec < 0;
  const exp = v === 0 ? 0 : Number(v.toExponential().split('e')[1]);
  const digits = v === 0 ? 1 : v.toExponential().split('e')[0].replace(/[-.]/g, '').length;
  let eprec = shortest ? 6 : prec === 0 ? 1 : prec;
  if (!shortest && eprec > digits && digits >= exp + 1) eprec = digits;
  if (exp < -4 || exp >= eprec) {
    const s = shortest ? v.toExponential() : v.toExponential(Math.max(eprec - 1, 0));
    return goExp(shortest ? s : trimZerosExp(s));
  }
  if (shortest) return String(v).includes('e') ? v.toFixed(Math.max(digits - exp - 1, 0)) : String(v);
  return trimZeros(v.toFixed(Math.max(eprec - exp - 1, 0)));
}

function fracDigits(v: number): number {
  const s = String(v);
  const i = s.indexOf('.');
  return i === -1 ? 0 : s.length - i - 1;
}

function trimZeros(s: string): string {
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

function trimZerosExp(s: string): string {
  const [m, e] = s.split('e');
  return `${trimZeros(m)}e${e}`;
}

/** goExp turns JavaScript's `1.5e+6` into Go's `1.5e+06` (at least two exponent digits). */
function goExp(s: string): string {
  return s.replace(/e([+-])(\d)$/, 'e$10$2');
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
