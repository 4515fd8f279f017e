/**
 * Formats a certificate name the way Go's `pkix.Name.String()` does, because blackbox_exporter
 * puts that string in the `subject` and `issuer` labels of probe_ssl_last_chain_info and
 * dashboards match on it. Input is Node's X509Certificate.subject/issuer ("C=US\nO=Org\nCN=x").
 */

/** Go's RDN order (ToRDNSequence); String() then prints it reversed. */
const GO_ORDER = ['C', 'ST', 'L', 'STREET', 'POSTALCODE', 'O', 'OU', 'CN', 'SERIALNUMBER'];

/** Node's attribute names → Go's short names for the attributes Go parses into fields. */
const GO_NAMES: Record<string, string> = {
  C: 'C', ST: 'ST', L: 'L', street: 'STREET', postalCode: 'POSTALCODE', O: 'O', OU: 'OU', CN: 'CN', serialNumber: 'SERIALNUMBER',
};

/** Attributes Go leaves unparsed and prints as OID=#hex(DER). */
const OIDS: Record<string, string> = {
  emailAddress: '1.2.840.113549.1.9.1',
  DC: '0.9.2342.19200300.100.1.25',
  UID: '0.9.2342.19200300.100.1.1',
};

function escapeValue(value: string): string {
  const chars = [...value];
  return chars
    .map((c, k) => {
      const escape = ',+"\\<>;'.includes(c) || (c === ' ' && (k === 0 || k === chars.length - 1)) || (c === '#' && k === 0);
      return escape ? `\\${c}` : c;
    })
    .join('');
}

/** derString is Go's asn1.Marshal of a string: PrintableString when it can be, else UTF8String. */
function derString(value: string): string {
  const bytes = Buffer.from(value, 'utf8');
  const printable = /^[A-Za-z0-9 '()+,\-./:=?]*$/.test(value);
  const tag = printable ? 0x13 : 0x0c;
  const len = bytes.length < 128 ? Buffer.from([bytes.length]) : Buffer.from([0x81, bytes.length]);
  return Buffer.concat([Buffer.from([tag]), len, bytes]).toString('hex');
}

/** goNameString converts Node's multi-line name to Go's pkix.Name.String(). */
export function goNameString(nodeName: string): string {
  const known = new Map<string, string[]>();
  const extra: string[] = [];
  for (const line of nodeName.split('\n')) {
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    const attr = line.slice(0, eq);
    const value = line.slice(eq + 1);
    const goName = GO_NAMES[attr];
    if (goName) known.set(goName, [...(known.get(goName) ?? []), value]);
    else extra.push(`${OIDS[attr] ?? attr}=#${derString(value)}`);
  }
  // Go prepends unparsed attributes, so after reversal they come last, in reverse order.
  const rdns = GO_ORDER.filter((t) => known.has(t)).map((t) => known.get(t)!.map((v) => `${t}=${escapeValue(v)}`).join('+'));
  return [...rdns.reverse(), ...extra.reverse()].join(',');
}
