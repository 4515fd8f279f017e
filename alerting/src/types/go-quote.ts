const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;
const SIMPLE: Record<string, string> = { '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v' };

/**
 * goQuote reproduces Go's strconv.Quote (`%q`): group keys and matcher strings must be
 * byte-identical to Alertmanager's so downstream deduplication keeps working.
 */
export function goQuote(s: string): string {
  if (/^[ !#-[\]-~]*$/.test(s)) return `"${s}"`; // printable ASCII without " or \: nothing to escape
  let out = '"';
  for (const ch of s) {
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (PRINTABLE.test(ch)) out += ch;
    else if (SIMPLE[ch]) out += SIMPLE[ch];
    else {
      const cp = ch.codePointAt(0)!;
      if (cp < 0x80) out += `\\x${cp.toString(16).padStart(2, '0')}`;
      else if (cp < 0x10000) out += `\\u${cp.toString(16).padStart(4, '0')}`;
      else out += `\\U${cp.toString(16).padStart(8, '0')}`;
    }
  }
  return `${out}"`;
}

/** labelSetString renders a label set as Prometheus' LabelSet.String(): `{a="1", b="2"}`. */
export function labelSetString(labels: Record<string, string>): string {
  return `{${Object.keys(labels)
    .sort()
    .map((k) => `${k}=${goQuote(labels[k])}`)
    .join(', ')}}`;
}
