import { createHash, X509Certificate } from 'node:crypto';
import { goNameString } from './domain/pkix-name';
import { parseSubjectAltName, type CertificateFacts } from './domain/certificate-facts';

/** unixSeconds parses Node's validFrom/validTo ("Nov 25 22:38:41 2027 GMT"), whole seconds as Go's Unix(). */
function unixSeconds(text: string): number {
  return Math.floor(Date.parse(text) / 1000);
}

/** factsOf extracts what the TLS exporter reports about one certificate. */
export function factsOf(cert: X509Certificate): CertificateFacts {
  const san = parseSubjectAltName(cert.subjectAltName);
  return {
    subject: goNameString(cert.subject),
    issuer: goNameString(cert.issuer),
    serialNumber: cert.serialNumber.toLowerCase().replace(/^(00)+(?=.)/, ''),
    fingerprintSha256: createHash('sha256').update(cert.raw).digest('hex'),
    notBefore: unixSeconds(cert.validFrom),
    notAfter: unixSeconds(cert.validTo),
    dnsNames: san.dnsNames,
    ipAddresses: san.ipAddresses,
  };
}

/** parsePemBundle reads every certificate of a PEM file (fullchain.pem, a CA bundle). */
export function parsePemBundle(text: string): X509Certificate[] {
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  return blocks.map((b) => new X509Certificate(b));
}
