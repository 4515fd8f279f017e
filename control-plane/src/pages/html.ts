/** Escapes text for HTML element content and attribute values. */
export function esc(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = value instanceof Date ? value.toISOString().replace('T', ' ').slice(0, 19) + 'Z' : String(value);
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** Marks a string as already-safe HTML for `table` cells. */
export class Html {
  constructor(readonly html: string) {}
}

const STYLE = `
body{font:14px/1.4 system-ui,sans-serif;margin:1.5rem;color:#111}
nav a{margin-right:1rem}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:1.5rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0}
th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f3f3}
.bad{color:#a40000;font-weight:600}.ok{color:#05620f}.warn{color:#8a5a00;font-weight:600}
.meta{color:#555;font-size:.9em}
svg{border:1px solid #ddd;background:#fff}
@media print{nav,.noprint{display:none}body{margin:0;font-size:11px}a{color:inherit;text-decoration:none}th{background:#eee!important;-webkit-print-color-adjust:exact}tr{page-break-inside:avoid}}
`;

/** page wraps a view in the shared layout: navigation, print stylesheet, generation stamp. */
export function page(title: string, orgName: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)} · FreshTrack audit</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>${STYLE}</style></head><body>
<nav><a href="/audit">Overview</a><a href="/audit/backups">Backups &amp; restore tests</a><a href="/audit/certificates">Certificates</a><a href="/audit/notifications">Notifications</a></nav>
<h1>${esc(title)}</h1><p class="meta">${esc(orgName)} · generated ${esc(new Date())}</p>
${body}
</body></html>`;
}

/** table renders rows; cells are escaped unless wrapped in Html. */
export function table(headers: string[], rows: unknown[][], empty = 'No records in this period.'): string {
  if (!rows.length) return `<p class="meta">${esc(empty)}</p>`;
  const cell = (v: unknown) => (v instanceof Html ? v.html : esc(v));
  return `<table><thead><tr>${headers.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((v) => `<td>${cell(v)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}
