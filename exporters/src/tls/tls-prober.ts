import { existsSync, readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import type { X509Certificate } from 'node:crypto';
import type { MetricSink } from '../metric-sink';
import type { ProbeModule } from './blackbox-config';
import { earliestExpiring, lastChainExpiry, lifetimeSeconds, type CertificateFacts } from './domain/certificate-facts';
import { tlsHandshake, splitTarget } from './tls-handshake';
import { verifyChains } from './verify-chains';
import { factsOf, parsePemBundle } from './x509-facts';

export interface ProbeResult {
  success: boolean;
  /** The leaf the server presented, even when verification failed (for the renewal history). */
  leaf?: CertificateFacts;
  error?: string;
}

/** ProbeFn is one prober, as in blackbox's prober registry. */
export type ProbeFn = (target: string, module: ProbeModule, sink: MetricSink, signal: AbortSignal, log: (msg: string) => void) => Promise<ProbeResult>;

let systemRoots: X509Certificate[] | undefined;
const moduleRoots = new WeakMap<ProbeModule, X509Certificate[]>();

/** Where Go's crypto/x509 looks for the system roots on Linux (SSL_CERT_FILE first). */
const SYSTEM_BUNDLES = ['/etc/ssl/certs/ca-certificates.crt', '/etc/pki/tls/certs/ca-bundle.crt', '/etc/ssl/ca-bundle.pem', '/etc/pki/tls/cacert.pem', '/etc/ssl/cert.pem'];

/**
 * loadSystemRoots trusts what Go (so blackbox) trusts without a ca_file: the system bundle,
 * which includes locally installed private CAs; Node's bundled Mozilla list only as fallback.
 */
function loadSystemRoots(): X509Certificate[] {
  const bundle = [process.env.SSL_CERT_FILE, ...SYSTEM_BUNDLES].find((p) => p && existsSync(p));
  if (bundle) {
    const roots = parsePemBundle(readFileSync(bundle, 'utf8'));
    if (roots.length) return roots;
  }
  return rootCertificates.flatMap((pem) => parsePemBundle(pem));
}

function rootsFor(module: ProbeModule): X509Certificate[] {
  if (module.caPem) {
    let roots = moduleRoots.get(module);
    if (!roots) moduleRoots.set(module, (roots = parsePemBundle(module.caPem)));
    return roots;
  }
  systemRoots ??= loadSystemRoots();
  return systemRoots;
}

/** emitCertificateDates exports every certificate's notBefore, notAfter and lifetime (renewal-overdue rules). */
export function emitCertificateDates(sink: MetricSink, certs: CertificateFacts[], extra: Record<string, string> = {}): void {
  for (const c of certs) {
    const labels = { ...extra, serialnumber: c.serialNumber, subject: c.subject, issuer: c.issuer };
    sink.gauge('probe_ssl_cert_not_before_timestamp_seconds', 'notBefore of each certificate presented, in unixtime', c.notBefore, labels);
    sink.gauge('probe_ssl_cert_not_after_timestamp_seconds', 'notAfter of each certificate presented, in unixtime', c.notAfter, labels);
    sink.gauge('probe_ssl_cert_lifetime_seconds', 'notAfter minus notBefore of each certificate presented; renewal is overdue past two thirds of it', lifetimeSeconds(c), labels);
  }
}

/**
 * probeTcpTls is blackbox's tcp prober with `tls: true`: handshake, verify as Go would
 * (unless insecure_skip_verify), and emit probe_ssl_* / probe_tls_* only when the
 * handshake counts as successful, exactly as blackbox does.
 */
export const probeTcpTls: ProbeFn = async (target, module, sink, signal, log) => {
  const handshake = await tlsHandshake(target, module, signal, log);
  sink.gauge('probe_dns_lookup_time_seconds', 'Returns the time taken for probe dns lookup in seconds', handshake.dnsLookupSeconds);
  sink.gauge('probe_ip_protocol', 'Specifies whether probe ip protocol is IP4 or IP6', handshake.ipProtocol);
  const presented = handshake.presented.map(factsOf);
  const leaf = presented[0];
  const tc = module.tcp?.tls_config ?? {};
  let chains: CertificateFacts[][] = [];
  if (!tc.insecure_skip_verify) {
    const verified = verifyChains(handshake.presented, rootsFor(module), tc.server_name ?? splitTarget(target).host, Date.now());
    if (verified.error) {
      log(`TLS handshake failed: ${verified.error}`);
      return { success: false, leaf, error: verified.error };
    }
    chains = verified.chains.map((chain) => chain.map(factsOf));
  }
  const earliest = earliestExpiring(presented);
  if (earliest) {
    sink.gauge('probe_ssl_earliest_cert_expiry', 'Returns last SSL chain expiry in unixtime', earliest.notAfter);
    sink.gauge('probe_ssl_earliest_cert_not_before', 'notBefore of the certificate that expires first, in unixtime', earliest.notBefore);
  }
  sink.gauge('probe_ssl_last_chain_expiry_timestamp_seconds', 'Returns last SSL chain expiry in timestamp', lastChainExpiry(chains));
  if (leaf) {
    sink.gauge('probe_ssl_last_chain_info', 'Contains SSL leaf certificate information', 1, {
      fingerprint_sha256: leaf.fingerprintSha256,
      subject: leaf.subject,
      issuer: leaf.issuer,
      subjectalternative: leaf.dnsNames.join(','),
      serialnumber: leaf.serialNumber,
    });
  }
  sink.gauge('probe_tls_version_info', 'Returns the TLS version used or NaN when unknown', 1, { version: handshake.version });
  emitCertificateDates(sink, presented);
  log(`TLS handshake succeeded (${handshake.version}, ${presented.length} certificates presented)`);
  return { success: true, leaf };
};
