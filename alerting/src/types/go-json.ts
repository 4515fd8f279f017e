/**
 * goJson serialises like Go's encoding/json: `<`, `>`, `&`, U+2028 and U+2029 are escaped
 * (HTML-safe), so bodies are byte-identical to Alertmanager's.
 */
const HTML_UNSAFE = /[<>&\u2028\u2029]/;

export function goJson(value: unknown): string {
  const json = JSON.stringify(value);
  if (!HTML_UNSAFE.test(json)) return json;
  return json.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
