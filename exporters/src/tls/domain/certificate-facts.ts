/**
 * CertificateFacts are the fields of a certificate the TLS exporter reports, in the formats
 * blackbox_exporter uses (whole Unix seconds, lowercase hex, Go name strings).
 */
export interface CertificateFacts {
  subject: string;
  issuer: string;
  /** Lowercase hex of the serial's big-endian bytes (blackbox `serialnumber`). */
  serialNumber: string;
  /** Lowercase hex SHA-256 of the DER encoding. */
  fingerprintSha256: string;
  notBefore: number;
  notAfter: number;
  dnsNames: string[];
  ipAddresses: string[];
}

/** lifetimeSeconds is notAfter − notBefore: renewal is overdue past two thirds of it. */
export function lifetimeSeconds(c: CertificateFacts): number {
  return c.notAfter - c.notBefore;
}

/** earliestExpiring returns the certificate with the smallest notAfter (blackbox's earliest expiry). */
export function earliestExpiring(certs: CertificateFacts[]): CertificateFacts | undefined {
  return certs.reduce<CertificateFacts | undefined>((min, c) => (!min || c.notAfter < min.notAfter ? c : min), undefined);
}

/** GO_ZERO_TIME is Go's time.Time{}.Unix(): blackbox's last-chain expiry when nothing was verified. */
export const GO_ZERO_TIME = -62135596800;

/**
 * lastChainExpiry follows blackbox: for each verified chain take its earliest notAfter, then
 * report the latest of those (the chain that lasts longest); Go's zero time without chains.
 */
export function lastChainExpiry(chains: CertificateFacts[][]): number {
  if (chains.length === 0) return GO_ZERO_TIME;
  return Math.max(...chains.map((chain) => Math.min(...chain.map((c) => c.notAfter))));
}

/** parseSubjectAltName splits Node's "DNS:a, IP Address:1.2.3.4" into DNS names and IPs. */
export function parseSubjectAltName(san: string | undefined): { dnsNames: string[]; ipAddresses: string[] } {
  const dnsNames: string[] = [];
  const ipAddresses: string[] = [];
  for (const part of (san ?? '').split(/,\s*/)) {
    if (part.startsWith('DNS:')) dnsNames.push(part.slice(4));
    else if (part.startsWith('IP Address:')) ipAddresses.push(part.slice(11).toLowerCase());
  }
  return { dnsNames, ipAddresses };
}
