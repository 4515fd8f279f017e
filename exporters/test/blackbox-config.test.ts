import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBlackboxModules, parseDuration } from '../src/tls/blackbox-config';
import { loadExportersConfig } from '../src/exporters-config';
import { goNameString } from '../src/tls/domain/pkix-name';

describe('blackbox module files and the exporters config', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bbcfg-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };

  test('a blackbox.yml mixing probers loads unchanged; tcp modules keep their settings', () => {
    const ca = file('ca.pem', '-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n');
    const modules = loadBlackboxModules(
      file(
        'blackbox.yml',
        `modules:
  http_2xx:
    prober: http
    http:
      preferred_ip_protocol: ip4
  icmp:
    prober: icmp
  tcp_tls:
    prober: tcp
    timeout: 1m30s
    tcp:
      tls: true
      preferred_ip_protocol: ip4
      tls_config:
        ca_file: ${ca}
        server_name: api.example.com
`,
      ),
    );
    expect(Object.keys(modules)).toEqual(['http_2xx', 'icmp', 'tcp_tls']);
    expect(modules.tcp_tls.timeoutMs).toBe(90_000);
    expect(modules.tcp_tls.caPem).toContain('BEGIN CERTIFICATE');
  });

  test.each([
    ['unknown top-level key', 'modules: {}\nmodulez: {}\n', 'modulez'],
    ['bad duration', 'modules:\n  m:\n    prober: tcp\n    timeout: 5 seconds\n', 'modules.m.timeout'],
    ['unreadable CA file', 'modules:\n  m:\n    prober: tcp\n    tcp:\n      tls_config:\n        ca_file: /nonexistent/ca.pem\n', 'modules.m.tcp.tls_config.ca_file'],
    ['bad min_version', 'modules:\n  m:\n    prober: tcp\n    tcp:\n      tls_config:\n        min_version: SSL3\n', 'min_version'],
  ])('%s is refused naming the field', (_name, yaml, field) => {
    expect(() => loadBlackboxModules(file('bad.yml', yaml))).toThrow(field);
  });

  test('durations follow Prometheus syntax', () => {
    expect(parseDuration('x', '500ms')).toBe(500);
    expect(parseDuration('x', '1h2m3s')).toBe(3_723_000);
    expect(() => parseDuration('x', '10')).toThrow('x');
  });

  test('exporters config: flags win over env and file; bad cron and bad URLs are named', () => {
    const cfg = file('exporters.yml', 'pgbouncer:\n  connection_string: postgres://file@h:6432/pgbouncer\n');
    expect(loadExportersConfig({ 'config.file': cfg }, {}).pgbouncer?.connectionString).toBe('postgres://file@h:6432/pgbouncer');
    expect(loadExportersConfig({ 'config.file': cfg }, { PGBOUNCER_EXPORTER_CONNECTION_STRING: 'postgres://env@h/pgbouncer' }).pgbouncer?.connectionString).toBe('postgres://env@h/pgbouncer');
    expect(loadExportersConfig({ 'config.file': cfg, 'pgBouncer.connectionString': 'postgres://flag@h/pgbouncer' }, {}).pgbouncer?.connectionString).toBe('postgres://flag@h/pgbouncer');
    expect(loadExportersConfig({}, {}).pgbouncer).toBeUndefined();
    expect(() => loadExportersConfig({ 'pgBouncer.connectionString': 'http://x' }, {})).toThrow('--pgBouncer.connectionString');
    expect(() => loadExportersConfig({ 'config.file': file('c1.yml', 'backup:\n  schedule: "every day"\n') }, {})).toThrow('backup.schedule');
    expect(() => loadExportersConfig({ 'config.file': file('c2.yml', 'backup:\n  schedule: "0 3 * * *"\n') }, {})).toThrow('backup.database_url');
  });

  test('certificate names print as Go pkix.Name.String()', () => {
    expect(goNameString('C=US\nST=CA\nO=Org\nOU=Ops\nCN=leaf')).toBe('CN=leaf,OU=Ops,O=Org,ST=CA,C=US');
    expect(goNameString('CN=a, b+c')).toBe('CN=a\\, b\\+c');
    expect(goNameString('CN=x\nemailAddress=ops@example.com')).toBe('CN=x,1.2.840.113549.1.9.1=#0c0f6f7073406578616d706c652e636f6d');
  });
});
