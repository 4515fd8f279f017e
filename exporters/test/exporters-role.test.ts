import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/postgres';
import { startPgBouncer, type RunningPgBouncer } from '../../test/helpers/pgbouncer';
import { freePort, startFreshtrack, waitFor, type RunningProcess } from '../../test/helpers/processes';
import { CertFactory, type IssuedCert } from './cert-factory';
import { parseExposition } from './exposition';

const DAY = 86400;

describe('freshtrack exporters (built CLI): flags, /metrics snapshot, /probe, renewal history', () => {
  const certs = new CertFactory();
  let db: TestDatabase;
  let bouncer: RunningPgBouncer;
  let exporter: RunningProcess;
  let url: string;
  let tlsServer: TlsServer;
  let target: string;
  let first: IssuedCert;
  let renewed: IssuedCert;
  let liveDir: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    bouncer = await startPgBouncer();
    first = await certs.issue('first', { subject: '/CN=svc.test', notBefore: -10 * DAY, notAfter: 80 * DAY, san: 'IP:127.0.0.1' });
    renewed = await certs.issue('renewed', { subject: '/CN=svc.test', notBefore: -DAY, notAfter: 89 * DAY, san: 'IP:127.0.0.1' });
    tlsServer = createTlsServer({ cert: first.pem, key: first.key });
    tlsServer.on('tlsClientError', () => undefined);
    await new Promise<void>((r) => tlsServer.listen(0, '127.0.0.1', r));
    target = `127.0.0.1:${(tlsServer.address() as AddressInfo).port}`;
    liveDir = join(certs.dir, 'live', 'svc.test');
    mkdirSync(liveDir, { recursive: true });
    writeFileSync(join(liveDir, 'fullchain.pem'), first.pem);
    const config = join(certs.dir, 'exporters.yml');
    writeFileSync(config, `tls:\n  targets:\n    - target: ${target}\n      module: tls_insecure\n  files:\n    - ${join(certs.dir, 'live')}\n`);
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    exporter = startFreshtrack(
      // Flags spelled as pgbouncer_exporter spells them, so deployment files carry over.
      ['exporters', `--web.listen-address=127.0.0.1:${port}`, `--pgBouncer.connectionString=${bouncer.adminUrl}`, `--config.file=${config}`, '--web.telemetry-path=/metrics', '--log.level=info'],
      { DATABASE_URL: db.url },
    );
    await exporter.waitForOutput(/FreshTrack Pro is running/, 60_000);
  }, 120_000);

  afterAll(async () => {
    await exporter?.stop();
    await bouncer?.stop();
    tlsServer?.close();
    await db?.drop();
    certs.cleanup();
  });

  const metrics = async () => {
    const res = await fetch(`${url}/metrics`);
    expect(res.status).toBe(200);
    return parseExposition(await res.text());
  };

  test('/metrics carries every enabled collector in one scrape', async () => {
    const e = await metrics();
    expect(e.value('pgbouncer_up')).toBe(1);
    expect(e.value('pgbouncer_version_info')).toBe(1);
    expect(e.value('pg_backup_up')).toBe(1);
    expect(e.value('probe_success', { target, module: 'tls_insecure' })).toBe(1);
    expect(e.value('probe_ssl_earliest_cert_expiry', { target })).toBe(first.notAfter);
    expect(e.value('ssl_file_cert_not_after', { file: join(liveDir, 'fullchain.pem'), cn: 'svc.test' })).toBe(first.notAfter);
    expect(e.value('ssl_file_cert_lifetime_seconds', { cn: 'svc.test' })).toBe(first.notAfter - first.notBefore);
    expect(e.value('freshtrack_exporter_scrape_duration_seconds', { collector: 'pgbouncer' })).toBeGreaterThan(0);
    expect(e.value('freshtrack_exporter_scrape_errors_total', { collector: 'pgbouncer' })).toBe(0);
    expect(e.find('process_cpu_user_seconds_total').length).toBe(1);
  });

  test('/probe answers blackbox-style through the role', async () => {
    const res = await fetch(`${url}/probe?target=${target}&module=tls_insecure`);
    expect(res.status).toBe(200);
    const e = parseExposition(await res.text());
    expect(e.value('probe_success')).toBe(1);
    expect(e.value('probe_ssl_earliest_cert_expiry')).toBe(first.notAfter);
    expect(e.find('pgbouncer_up')).toHaveLength(0);
  });

  test('a renewed certificate is recorded once in the history, unchanged ones are not', async () => {
    const rows = async () =>
      (await db.pool.query(`SELECT target, serial_number, extract(epoch FROM not_after)::bigint AS not_after FROM certificate_observations WHERE target = $1 ORDER BY id`, [target])).rows;
    await waitFor(async () => (await rows()).length === 1);
    await metrics();
    await fetch(`${url}/probe?target=${target}&module=tls_insecure`);
    expect(await rows()).toHaveLength(1);
    tlsServer.setSecureContext({ cert: renewed.pem, key: renewed.key });
    writeFileSync(join(liveDir, 'fullchain.pem'), renewed.pem);
    const e = await metrics();
    expect(e.value('probe_ssl_earliest_cert_expiry', { target })).toBe(renewed.notAfter);
    const history = await rows();
    expect(history.map((r) => Number(r.not_after))).toEqual([first.notAfter, renewed.notAfter]);
    expect(history[0].serial_number).not.toBe(history[1].serial_number);
    const files = await db.pool.query(`SELECT count(*)::int AS n FROM certificate_observations WHERE target = $1`, [join(liveDir, 'fullchain.pem')]);
    expect(files.rows[0].n).toBe(2);
  });

  test('stopping PgBouncer gives pgbouncer_up 0 in a clean 200 scrape', async () => {
    await bouncer.stop();
    const e = await metrics();
    expect(e.value('pgbouncer_up')).toBe(0);
    expect(e.value('pg_backup_up')).toBe(1);
    expect(e.value('freshtrack_exporter_scrape_errors_total', { collector: 'pgbouncer' })).toBeGreaterThan(0);
  });

  test('without PgBouncer or targets configured, only the backup collector runs and /probe uses the built-in modules', async () => {
    const port = await freePort();
    const p = startFreshtrack(['exporters', `--web.listen-address=127.0.0.1:${port}`], { DATABASE_URL: db.url });
    try {
      await p.waitForOutput(/FreshTrack Pro is running/, 60_000);
      const e = parseExposition(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text());
      expect(e.value('pg_backup_up')).toBe(1);
      expect(e.find('pgbouncer_up')).toHaveLength(0);
      expect(e.find('probe_success')).toHaveLength(0);
      const probe = parseExposition(await (await fetch(`http://127.0.0.1:${port}/probe?target=${target}&module=tls_insecure`)).text());
      expect(probe.value('probe_ssl_earliest_cert_expiry')).toBe(renewed.notAfter);
    } finally {
      await p.stop();
    }
  });

  test('a target naming an unknown module stops start-up with the field named', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'exporters-bad-'));
    const bad = join(dir, 'bad.yml');
    writeFileSync(bad, 'tls:\n  targets:\n    - target: example.com:443\n      module: nope\n');
    const p = startFreshtrack(['exporters', `--web.listen-address=127.0.0.1:${await freePort()}`, `--config.file=${bad}`], { DATABASE_URL: db.url });
    expect(await p.exited).toBe(2);
    expect(p.output()).toContain('tls.targets.0.module');
    expect(p.output()).toContain('unknown module "nope"');
    const path = startFreshtrack(['exporters', '--web.telemetry-path=/stats'], { DATABASE_URL: db.url });
    expect(await path.exited).toBe(2);
    expect(path.output()).toContain('--web.telemetry-path');
    rmSync(dir, { recursive: true, force: true });
  });
});
