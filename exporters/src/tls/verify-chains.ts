import { isIP } from 'node:net';
import type { X509Certificate } from 'node:crypto';

export interface VerifyResult {
  chains: X509Certificate[][];
  /** Why verification failed (hostname mismatch, unknown authority, expired); undefined when it passed. */
  error?: string;
}

const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const ANY_EKU = '2.5.29.37.0';
const MAX_DEPTH = 10;

function validAt(cert: X509Certificate, nowMs: number): boolean {
  return Date.parse(cert.validFrom) <= nowMs && nowMs <= Date.parse(cert.validTo);
}

function issued(issuer: X509Certificate, child: X509Certificate): boolean {
  try {
    return child.checkIssued(issuer) && child.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

/** hostnameMatches mirrors Go's VerifyHostname: IP targets need an IP SAN, names a DNS SAN (CN ignored). */
function hostnameMatches(leaf: X509Certificate, host: string): boolean {
  if (isIP(host)) return leaf.checkIP(host) !== undefined;
  return leaf.checkHost(host, { subject: 'never', wildcards: true, partialWildcards: false }) !== undefined;
}

/**
 * verifyChains does what Go's crypto/x509 Verify does for blackbox_exporter: check the
 * hostname, then build every chain from the leaf through the presented intermediates to a
 * trusted root, each certificate valid now. Go reports all verified chains, and blackbox's
 * last-chain expiry needs all of them, which OpenSSL's single verified chain would not give.
 */
export function verifyChains(presented: X509Certificate[], roots: X509Certificate[], host: string, nowMs: number): VerifyResult {
  const [leaf, ...intermediates] = presented;
  if (!leaf) return { chains: [], error: 'no certificate presented' };
  if (host && !hostnameMatches(leaf, host)) {
    return { chains: [], error: `x509: certificate is not valid for ${host}` };
  }
  const eku = leaf.keyUsage;
  if (eku && eku.length && !eku.includes(SERVER_AUTH) && !eku.includes(ANY_EKU)) {
    return { chains: [], error: 'x509: certificate specifies an incompatible key usage' };
  }
  if (!validAt(leaf, nowMs)) {
    return { chains: [], error: `x509: certificate has expired or is not yet valid (notBefore ${leaf.validFrom}, notAfter ${leaf.validTo})` };
  }
  const chains: X509Certificate[][] = [];
  const extend = (chain: X509Certificate[]) => {
    const current = chain[chain.length - 1];
    if (roots.some((r) => r.raw.equals(current.raw))) {
      chains.push(chain);
      return;
    }
    if (chain.length > MAX_DEPTH) return;
    for (const root of roots) {
      if (issued(root, current) && validAt(root, nowMs)) chains.push([...chain, root]);
    }
    for (const next of intermediates) {
      if (chain.some((c) => c.raw.equals(next.raw))) continue;
      if (issued(next, current) && validAt(next, nowMs) && next.ca) extend([...chain, next]);
    }
  };
  extend([leaf]);
  if (chains.length === 0) {
    return { chains, error: 'x509: certificate signed by unknown authority (or a chain certificate has expired)' };
  }
  return { chains };
}
