import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import express from 'express';
import type { Server } from 'node:http';
import { createLogger } from '../../platform/logging/logger';
import { freePort, startProcess, waitFor, type RunningProcess } from '../../test/helpers/processes';
import { loadBlackboxModules } from '../src/tls/blackbox-config';
import { probeHandler } from '../src/tls/probe-route';
import { CertFactory, type IssuedCert } from './cert-factory';
import { parseExposition, type Exposition } from './exposition';

const BLACKBOX = process.env.BLACKBOX_EXPORTER_BIN ?? '/usr/bin/prometheus-blackbox-exporter';
const DAY = 86400;

interface Case {
  name: string;
  chain: IssuedCert[];
  /** Expected earliest expiry over the presented chain, from the dates the certificates were issued with. */
  earliest: number;
  verifies: boolean;
}

describe('TLS probe: blackbox names and values, side by side with the real blackbox_exporter', () => {
  const certs = new CertFactory();
  const servers: TlsServer[] = [];
  const targets = new Map<string, string>();
  const cases: Case[] = [];
  let blackbox: RunningProcess;
  let blackboxUrl: string;
  let ours: Server;
  let oursUrl: string;

  async function serve(name: string, chain: IssuedCert[], leafKey: string) {
    const server = createTlsServer({ cert: chain.map((c) => c.pem).join(''), key: leafKey });
    server.on('tlsClientError', () => undefined);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    servers.push(server);
    targets.set(name, `127.0.0.1:${(server.address() as AddressInfo).port}`);
  }

  beforeAll(async () => {
    const san = 'DNS:localhost,IP:127.0.0.1';
    const root = await certs.issue('root', { subject: '/C=US/O=FreshTrack Test/CN=Test Root', notBefore: -DAY, notAfter: 3650 * DAY, ca: true });
    const inter = await certs.issue('inter', { subject: '/O=FreshTrack Test/OU=Ops/CN=Test Intermediate', notBefore: -DAY, notAfter: 1000 * DAY, ca: true, issuer: root });
    const shortInter = await certs.issue('short-inter', { subject: '/O=FreshTrack Test/CN=Short Intermediate', notBefore: -DAY, notAfter: 5 * DAY + 17, ca: true, issuer: root });
    const leaf = (name: string, o: { notBefore?: number; notAfter: number; issuer?: IssuedCert; san?: string }) =>
      certs.issue(name, { subject: `/O=FreshTrack/CN=${name}.test`, notBefore: o.notBefore ?? -DAY, notAfter: o.notAfter, issuer: o.issuer ?? inter, san: o.san ?? san });
    const valid = await leaf('valid', { notAfter: 400 * DAY + 123 });
    const soon = await leaf('soon', { notAfter: 2 * DAY + 7 });
    const expired = await leaf('expired', { notBefore: -90 * DAY, notAfter: -DAY - 3 });
    const beforeLeaf = await leaf('intermediate-first', { notAfter: 300 * DAY, issuer: shortInter });
    const wrongHost = await leaf('wrong-host', { notAfter: 200 * DAY + 11, san: 'DNS:wrong.example' });
    const self = await certs.issue('self-signed', { subject: '/CN=self-signed.test', notBefore: -DAY, notAfter: 100 * DAY + 5, san });
    cases.push(
      { name: 'valid', chain: [valid, inter], earliest: valid.notAfter, verifies: true },
      { name: 'soon', chain: [soon, inter], earliest: soon.notAfter, verifies: true },
      { name: 'expired', chain: [expired, inter], earliest: expired.notAfter, verifies: false },
      { name: 'intermediate-first', chain: [beforeLeaf, shortInter], earliest: shortInter.notAfter, verifies: true },
      { name: 'wrong-host', chain: [wrongHost, inter], earliest: wrongHost.notAfter, verifies: false },
      { name: 'self-signed', chain: [self], earliest: self.notAfter, verifies: false },
    );
    for (const c of cases) await serve(c.name, c.chain, c.chain[0].key);

    const config = join(certs.dir, 'blackbox.yml');
    writeFileSync(
      config,
      `modules:
  tls_verify:
    prober: tcp
    timeout: 20s
    tcp:
      tls: true
      tls_config:
        ca_file: ${root.certFile}
  tls_insecure:
    prober: tcp
    timeout: 20s
    tcp:
      tls: true
      tls_config:
        insecure_skip_verify: true
`,
    );
    const port = await freePort();
    blackbox = startProcess(BLACKBOX, [`--config.file=${config}`, `--web.listen-address=127.0.0.1:${port}`]);
    blackboxUrl = `http://127.0.0.1:${port}`;
    await waitFor(async () => (await fetch(`${blackboxUrl}/metrics`)).ok, 30_000);

    const app = express();
    app.get('/probe', probeHandler({ modules: loadBlackboxModules(config), logger: createLogger('test') }));
    ours = app.listen(0, '127.0.0.1');
    await new Promise((r) => ours.once('listening', r));
    oursUrl = `http://127.0.0.1:${(ours.address() as AddressInfo).port}`;
  }, 120_000);

  afterAll(async () => {
    await blackbox?.stop();
    await new Promise((r) => ours?.close(r));
    for (const s of servers) s.close();
    certs.cleanup();
  });

  async function probe(base: string, target: string, module: string): Promise<Exposition> {
    const res = await fetch(`${base}/probe?target=${encodeURIComponent(target)}&module=${module}`);
    expect(res.status).toBe(200);
    return parseExposition(await res.text());
  }

  const sslNames = (e: Exposition) => [...new Set(e.samples.map((s) => s.name).filter((n) => /^probe_(ssl|tls)_/.test(n)))].sort();
  const BLACKBOX_SSL = ['probe_ssl_earliest_cert_expiry', 'probe_ssl_last_chain_expiry_timestamp_seconds', 'probe_ssl_last_chain_info', 'probe_tls_version_info'];

  test.each(['valid', 'soon', 'expired', 'intermediate-first', 'wrong-host', 'self-signed'])('%s: insecure module reports the earliest expiry to the second, as blackbox does', async (name) => {
    const c = cases.find((x) => x.name === name)!;
    const target = targets.get(name)!;
    const [mine, theirs] = await Promise.all([probe(oursUrl, target, 'tls_insecure'), probe(blackboxUrl, target, 'tls_insecure')]);
    expect(theirs.value('probe_success')).toBe(1);
    expect(mine.value('probe_success')).toBe(1);
    expect(theirs.value('probe_ssl_earliest_cert_expiry')).toBe(c.earliest);
    expect(mine.value('probe_ssl_earliest_cert_expiry')).toBe(c.earliest);
    expect(mine.value('probe_ssl_last_chain_expiry_timestamp_seconds')).toBe(theirs.value('probe_ssl_last_chain_expiry_timestamp_seconds'));
    expect(mine.value('probe_ssl_last_chain_expiry_timestamp_seconds')).toBe(-62135596800);
    const [m, t] = [mine.find('probe_ssl_last_chain_info')[0].labels, theirs.find('probe_ssl_last_chain_info')[0].labels];
    expect({ ...m, serialnumber: undefined }).toEqual({ ...t, serialnumber: undefined });
    expect(mine.find('probe_tls_version_info')[0].labels).toEqual(theirs.find('probe_tls_version_info')[0].labels);
    // Every presented certificate's notBefore and lifetime, for the renewal-overdue rule.
    for (const cert of c.chain) {
      const lifetimes = mine.find('probe_ssl_cert_lifetime_seconds').map((s) => s.value);
      expect(lifetimes).toContain(cert.notAfter - cert.notBefore);
      expect(mine.find('probe_ssl_cert_not_before_timestamp_seconds').map((s) => s.value)).toContain(cert.notBefore);
    }
  });

  test.each(['valid', 'soon', 'expired', 'intermediate-first', 'wrong-host', 'self-signed'])('%s: verifying module agrees with blackbox on success, values and absence', async (name) => {
    const c = cases.find((x) => x.name === name)!;
    const target = targets.get(name)!;
    const [mine, theirs] = await Promise.all([probe(oursUrl, target, 'tls_verify'), probe(blackboxUrl, target, 'tls_verify')]);
    expect(theirs.value('probe_success')).toBe(c.verifies ? 1 : 0);
    expect(mine.value('probe_success')).toBe(c.verifies ? 1 : 0);
    expect(sslNames(theirs)).toEqual(c.verifies ? BLACKBOX_SSL : []);
    expect(sslNames(mine).filter((n) => BLACKBOX_SSL.includes(n))).toEqual(sslNames(theirs));
    for (const metric of ['probe_ssl_earliest_cert_expiry', 'probe_ssl_last_chain_expiry_timestamp_seconds']) {
      expect(mine.value(metric)).toBe(theirs.value(metric));
    }
    if (c.verifies) {
      expect(mine.value('probe_ssl_earliest_cert_expiry')).toBe(c.earliest);
      // The verified chain ends at the root, which outlives the rest: its expiry is the chain's earliest.
      expect(mine.value('probe_ssl_last_chain_expiry_timestamp_seconds')).toBe(Math.min(...c.chain.map((x) => x.notAfter)));
    }
  });

  test('a refused connection is probe_success 0 in both, and bad requests name the parameter', async () => {
    const port = await freePort();
    const [mine, theirs] = await Promise.all([probe(oursUrl, `127.0.0.1:${port}`, 'tls_insecure'), probe(blackboxUrl, `127.0.0.1:${port}`, 'tls_insecure')]);
    expect(mine.value('probe_success')).toBe(0);
    expect(theirs.value('probe_success')).toBe(0);
    expect((await fetch(`${oursUrl}/probe?module=tls_insecure`)).status).toBe(400);
    const unknown = await fetch(`${oursUrl}/probe?target=127.0.0.1:1&module=nope`);
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toContain('Unknown module "nope"');
    const debug = await (await fetch(`${oursUrl}/probe?target=${targets.get('wrong-host')}&module=tls_verify&debug=true`)).text();
    expect(debug).toContain('not valid for 127.0.0.1');
    const reason = async (name: string) => (await fetch(`${oursUrl}/probe?target=${targets.get(name)}&module=tls_verify&debug=true`)).text();
    expect(await reason('expired')).toContain('certificate has expired');
    expect(await reason('self-signed')).toContain('signed by unknown authority');
  });
});
