import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import { SMTPServer } from 'smtp-server';
import { Registry } from 'prom-client';
import type { AddressInfo } from 'node:net';
import { createLogger } from '../../platform/logging/logger';
import { MetricSink } from '../src/metric-sink';
import { DEFAULT_MODULES, type ProbeModule } from '../src/tls/blackbox-config';
import { probeTimeoutMs, runProbe } from '../src/tls/probe-route';
import { CertFactory, type IssuedCert } from './cert-factory';
import { parseExposition } from './exposition';

const DAY = 86400;

async function probe(target: string, module: ProbeModule, timeoutMs = 5000) {
  const registry = new Registry();
  const logs: string[] = [];
  await runProbe({ modules: {}, logger: createLogger('test') }, new MetricSink(registry), target, module, timeoutMs, logs);
  return { e: parseExposition(await registry.metrics()), logs };
}

describe('STARTTLS probes (SMTP, PostgreSQL) and timeouts', () => {
  const certs = new CertFactory();
  let cert: IssuedCert;
  let smtp: SMTPServer;
  let smtpTarget: string;
  let pg: Server;
  let pgTarget: string;
  let silent: Server;
  let silentTarget: string;
  const sockets = new Set<Socket>();

  beforeAll(async () => {
    cert = await certs.issue('mail', { subject: '/CN=mail.test', notBefore: -DAY, notAfter: 45 * DAY + 9, san: 'DNS:mail.test,IP:127.0.0.1' });
    smtp = new SMTPServer({ key: cert.key, cert: cert.pem, authOptional: true, logger: false });
    await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
    smtpTarget = `127.0.0.1:${(smtp.server.address() as AddressInfo).port}`;
    // PostgreSQL's side of SSLRequest: answer 'S', then TLS on the same socket.
    pg = createNetServer((socket) => {
      sockets.add(socket);
      socket.once('data', (first) => {
        if (first.readInt32BE(4) !== 80877103) return socket.destroy();
        socket.write('S');
        const tls = new TLSSocket(socket, { isServer: true, key: cert.key, cert: cert.pem });
        tls.on('error', () => undefined);
      });
    });
    await new Promise<void>((r) => pg.listen(0, '127.0.0.1', r));
    pgTarget = `127.0.0.1:${(pg.address() as AddressInfo).port}`;
    silent = createNetServer((socket) => sockets.add(socket));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    silentTarget = `127.0.0.1:${(silent.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => smtp.close(() => r()));
    pg.close();
    silent.close();
    certs.cleanup();
  });

  const insecure = (m: ProbeModule): ProbeModule => ({ ...m, tcp: { ...m.tcp, tls_config: { insecure_skip_verify: true } } });

  test('SMTP STARTTLS (shorthand) reaches the certificate', async () => {
    const { e, logs } = await probe(smtpTarget, insecure(DEFAULT_MODULES.smtp_starttls));
    expect(logs.join('\n')).toContain('accepted STARTTLS');
    expect(e.value('probe_success')).toBe(1);
    expect(e.value('probe_ssl_earliest_cert_expiry')).toBe(cert.notAfter);
  });

  test('SMTP STARTTLS written as blackbox query_response works unchanged', async () => {
    const module: ProbeModule = {
      prober: 'tcp',
      tcp: {
        tls_config: { insecure_skip_verify: true },
        query_response: [{ expect: '^220 ' }, { send: 'EHLO prober\r' }, { expect: '^250 ' }, { send: 'STARTTLS\r' }, { expect: '^220' }, { starttls: true }],
      },
    };
    const { e } = await probe(smtpTarget, module);
    expect(e.value('probe_success')).toBe(1);
    expect(e.find('probe_ssl_last_chain_info')[0].labels.subjectalternative).toBe('mail.test');
  });

  test('PostgreSQL SSLRequest then TLS', async () => {
    const { e } = await probe(pgTarget, insecure(DEFAULT_MODULES.postgres_starttls));
    expect(e.value('probe_success')).toBe(1);
    expect(e.value('probe_ssl_earliest_cert_expiry')).toBe(cert.notAfter);
  });

  test('a server that never answers fails the probe at the deadline, with the reason logged', async () => {
    const { e, logs } = await probe(silentTarget, insecure(DEFAULT_MODULES.smtp_starttls), 300);
    expect(e.value('probe_success')).toBe(0);
    expect(logs.join('\n')).toContain('timed out');
    expect(e.find('probe_ssl_earliest_cert_expiry')).toHaveLength(0);
  });

  test('the deadline is the scrape timeout header minus 0.5 s, capped by the module timeout', () => {
    const req = (v?: string) => ({ header: (name: string) => (name === 'X-Prometheus-Scrape-Timeout-Seconds' ? v : undefined) }) as never;
    expect(probeTimeoutMs(req('4'), { prober: 'tcp', timeoutMs: 10_000 })).toBe(3500);
    expect(probeTimeoutMs(req('30'), { prober: 'tcp', timeoutMs: 10_000 })).toBe(10_000);
    expect(probeTimeoutMs(req(undefined), { prober: 'tcp' })).toBe(120_000);
  });
});
