import { connect as netConnect, isIP, type Socket } from 'node:net';
import { lookup } from 'node:dns/promises';
import { readFileSync } from 'node:fs';
import { connect as tlsConnect, createSecureContext, type SecureContext, type SecureVersion } from 'node:tls';
import type { X509Certificate } from 'node:crypto';
import type { ProbeModule } from './blackbox-config';
import { negotiatePlaintext } from './starttls';

export interface Handshake {
  /** Certificates the server sent, leaf first (Go's PeerCertificates). */
  presented: X509Certificate[];
  /** "TLS 1.3" etc., as blackbox labels it. */
  version: string;
  dnsLookupSeconds: number;
  ipProtocol: 4 | 6;
}

const VERSIONS: Record<string, SecureVersion> = { TLS10: 'TLSv1', TLS11: 'TLSv1.1', TLS12: 'TLSv1.2', TLS13: 'TLSv1.3' };

const contexts = new WeakMap<ProbeModule, SecureContext>();

/**
 * secureContextFor builds a module's client context once: an empty CA list (so Node's peer
 * chain holds only what the server sent), the version bounds and any client certificate.
 * Building an OpenSSL context per probe costs more than the handshake itself.
 */
function secureContextFor(module: ProbeModule): SecureContext {
  let ctx = contexts.get(module);
  if (!ctx) {
    const tc = module.tcp?.tls_config ?? {};
    ctx = createSecureContext({
      ca: [],
      minVersion: VERSIONS[tc.min_version ?? 'TLS12'],
      maxVersion: tc.max_version ? VERSIONS[tc.max_version] : undefined,
      cert: tc.cert_file ? readFileSync(tc.cert_file) : undefined,
      key: tc.key_file ? readFileSync(tc.key_file) : undefined,
    });
    contexts.set(module, ctx);
  }
  return ctx;
}

/** splitTarget parses "host:port" or "[v6]:port". */
export function splitTarget(target: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(target);
  if (!m || Number(m[3]) > 65535) throw new Error(`target "${target}" is not host:port`);
  return { host: m[1] ?? m[2], port: Number(m[3]) };
}

async function resolve(host: string, module: ProbeModule): Promise<{ address: string; family: 4 | 6 }> {
  const literal = isIP(host);
  if (literal) return { address: host, family: literal as 4 | 6 };
  // blackbox prefers IPv6 unless told otherwise, and falls back to the other family.
  const preferred = module.tcp?.preferred_ip_protocol === 'ip4' ? 4 : 6;
  const all = await lookup(host, { all: true });
  const pick = all.find((a) => a.family === preferred) ?? all[0];
  if (!pick) throw new Error(`no address for ${host}`);
  return { address: pick.address, family: pick.family as 4 | 6 };
}

/**
 * peerChain follows X509Certificate.issuerCertificate from the leaf: the certificates the
 * server presented (the context trusts nothing, so no store root is appended). Cheaper than
 * getPeerCertificate(true), which converts every certificate into a plain object.
 */
function peerChain(leaf: X509Certificate | undefined): X509Certificate[] {
  const out: X509Certificate[] = [];
  for (let c = leaf; c && !out.some((x) => x.raw.equals(c!.raw)); c = c.issuerCertificate) out.push(c);
  return out;
}

function abortable<T>(signal: AbortSignal, socket: () => Socket | undefined, work: Promise<T>): Promise<T> {
  return new Promise<T>((resolvePromise, reject) => {
    const onAbort = () => {
      socket()?.destroy();
      reject(new Error('probe timed out'));
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolvePromise, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * tlsHandshake dials the target, runs any STARTTLS dialogue and completes a TLS handshake
 * without trusting anything: the context has an empty CA list, so Node's peer chain holds
 * only what the server sent (no trust-store root appended) and verification is done by
 * verifyChains the way Go does it.
 */
export async function tlsHandshake(target: string, module: ProbeModule, signal: AbortSignal, log: (msg: string) => void): Promise<Handshake> {
  const { host, port } = splitTarget(target);
  let socket: Socket | undefined;
  const work = (async () => {
    const dnsStart = performance.now();
    const { address, family } = await resolve(host, module);
    const dnsLookupSeconds = (performance.now() - dnsStart) / 1000;
    log(`resolved ${host} to ${address}`);
    const plain = netConnect({ host: address, port });
    socket = plain;
    await new Promise<void>((ok, fail) => {
      plain.once('connect', ok);
      plain.once('error', fail);
    });
    log(`connected to ${address}:${port}`);
    if (!(await negotiatePlaintext(plain, module, log))) throw new Error(`module does not enable TLS (tcp.tls: true)`);
    const tc = module.tcp?.tls_config ?? {};
    const servername = tc.server_name ?? host;
    const secure = tlsConnect({
      socket: plain,
      servername: isIP(servername) ? undefined : servername,
      secureContext: secureContextFor(module),
      rejectUnauthorized: false,
    });
    socket = secure;
    await new Promise<void>((ok, fail) => {
      secure.once('secureConnect', ok);
      secure.once('error', fail);
    });
    const presented = peerChain(secure.getPeerX509Certificate());
    const version = (secure.getProtocol() ?? 'unknown').replace(/^TLSv/, 'TLS ').replace(/^TLS 1$/, 'TLS 1.0');
    secure.destroy();
    return { presented, version, dnsLookupSeconds, ipProtocol: family };
  })();
  try {
    return await abortable(signal, () => socket, work);
  } finally {
    socket?.destroy();
  }
}
