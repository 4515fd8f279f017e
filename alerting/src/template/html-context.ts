/**
 * escapeHtmlAction approximates html/template's contextual escaping for one printed value,
 * from the output written so far: inside a URL-valued attribute (href, src…) the value is
 * filtered (unsafe schemes become `#ZgotmplZ`) and percent-normalised, or fully escaped
 * after `?`/`#`; everywhere else it is HTML-escaped with html/template's table (which, unlike
 * the `html` function, also escapes `+`). A pipeline ending in `html` or `urlquery` is
 * taken as already escaped for that context, as Go treats those predefined escapers.
 * JavaScript and CSS contexts are not modelled (see ADR 0040).
 */
const URL_ATTRS = new Set(['href', 'src', 'action', 'cite', 'data', 'formaction', 'poster', 'background', 'codebase', 'longdesc', 'usemap', 'profile', 'classid', 'manifest', 'icon', 'srcset']);

export function htmlTemplateEscape(s: string): string {
  return s.replace(/[\0"&'+<>]/g, (c) => ({ '\0': '\uFFFD', '"': '&#34;', '&': '&amp;', "'": '&#39;', '+': '&#43;', '<': '&lt;', '>': '&gt;' })[c]!);
}

/** processUrl is Go's processURLOnto: normalise (keep reserved chars and escapes) or escape. */
function processUrl(s: string, norm: boolean): string {
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(byte);
    const keep = /[A-Za-z0-9\-._~]/.test(c) || (norm && /[!#$&*+,/:;=?@[\]%]/.test(c));
    out += keep ? c : `%${byte.toString(16).padStart(2, '0')}`;
  }
  return out;
}

function urlFilter(s: string): string {
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(s);
  if (scheme && !['http', 'https', 'mailto'].includes(scheme[1].toLowerCase())) return '#ZgotmplZ';
  return s;
}

export function escapeHtmlAction(written: string, value: string, lastFn: string | undefined): string {
  const lt = written.lastIndexOf('<');
  const gt = written.lastIndexOf('>');
  if (lt > gt) {
    const attr = /\s([a-zA-Z_:][-a-zA-Z0-9_:.]*)\s*=\s*(["'])([^"']*)$/.exec(written.slice(lt));
    if (attr && URL_ATTRS.has(attr[1].toLowerCase())) {
      if (lastFn === 'urlquery' || lastFn === 'html') return htmlTemplateEscape(value);
      const before = attr[3];
      const url = before === '' ? processUrl(urlFilter(value), true) : /[?#]/.test(before) ? processUrl(value, false) : processUrl(value, true);
      return htmlTemplateEscape(url);
    }
  }
  return lastFn === 'html' ? value : htmlTemplateEscape(value);
}
