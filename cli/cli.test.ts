import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '../test/helpers/postgres';
import { freePort, startFreshtrack, waitFor } from '../test/helpers/processes';

describe('freshtrack CLI (production build)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });

  test('--help lists every role and each role has its own help', async () => {
    const top = startFreshtrack(['--help']);
    expect(await top.exited).toBe(0);
    for (const name of ['start', 'ingest', 'control-plane', 'alerting', 'exporters', 'migrate']) {
      expect(top.output()).toMatch(new RegExp(`^  ${name}\\s`, 'm'));
    }
    const ingest = startFreshtrack(['ingest', '--help']);
    expect(await ingest.exited).toBe(0);
    expect(ingest.output()).toContain('--web.listen-address=HOST:PORT');
  });

  test('bad configuration exits 2 naming the field, without starting', async () => {
    const badFlag = startFreshtrack(['ingest', '--web.listen-adress=127.0.0.1:1']);
    expect(await badFlag.exited).toBe(2);
    expect(badFlag.output()).toContain("invalid configuration: --web.listen-adress: Unknown option '--web.listen-adress'");
    const badUrl = startFreshtrack(['migrate'], { DATABASE_URL: 'http://db' });
    expect(await badUrl.exited).toBe(2);
    expect(badUrl.output()).toContain('invalid configuration: DATABASE_URL: must be a postgres:// connection URL');
    const badPort = startFreshtrack(['ingest'], { DATABASE_URL: db.url, INGEST_LISTEN_ADDRESS: '127.0.0.1:http' });
    expect(await badPort.exited).toBe(2);
    expect(badPort.output()).toContain('invalid configuration: INGEST_LISTEN_ADDRESS');
  });

  test('log lines of a traced request carry its trace id; SIGTERM exits cleanly', async () => {
    const port = await freePort();
    const proc = startFreshtrack(['ingest', `--web.listen-address=127.0.0.1:${port}`], { DATABASE_URL: db.url });
    try {
      await proc.waitForOutput(/ingest listening/);
      const traceId = randomBytes(16).toString('hex');
      const res = await fetch(`http://127.0.0.1:${port}/no-such-route`, {
        headers: { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` },
      });
      expect(res.status).toBe(404);
      const line = await proc.waitForOutput(/^\{.*"path":"\/no-such-route".*\}$/m);
      const entry = JSON.parse(line[0]);
      expect(entry).toMatchObject({ trace_id: traceId, status: 404, component: 'ingest', msg: 'request' });
      expect(entry.span_id).toMatch(/^[0-9a-f]{16}$/);

      // No exporter configured: spans are not recorded, yet an unsampled caller's trace id and a
      // request without any traceparent still get trace ids in their log lines.
      const unsampled = randomBytes(16).toString('hex');
      await fetch(`http://127.0.0.1:${port}/unsampled`, { headers: { traceparent: `00-${unsampled}-${randomBytes(8).toString('hex')}-00` } });
      const unsampledLine = JSON.parse((await proc.waitForOutput(/^\{.*"path":"\/unsampled".*\}$/m))[0]);
      expect(unsampledLine.trace_id).toBe(unsampled);
      await fetch(`http://127.0.0.1:${port}/untraced`);
      const untracedLine = JSON.parse((await proc.waitForOutput(/^\{.*"path":"\/untraced".*\}$/m))[0]);
      expect(untracedLine.trace_id).toMatch(/^[0-9a-f]{32}$/);
      expect(untracedLine.trace_id).not.toMatch(/^0+$/);
    } finally {
      expect(await proc.stop()).toBe(0);
    }
  });

  test('start runs every role on the embedded PostgreSQL and each answers /healthz, /readyz, /metrics', async () => {
    const ports = { ingest: await freePort(), 'control-plane': await freePort(), alerting: await freePort(), exporters: await freePort() };
    const proc = startFreshtrack(['start'], {
      DATABASE_URL: undefined,
      FRESHTRACK_DATA_DIR: mkdtempSync(join(tmpdir(), 'ft-embedded-')),
      INGEST_LISTEN_ADDRESS: `127.0.0.1:${ports.ingest}`,
      CONTROL_PLANE_LISTEN_ADDRESS: `127.0.0.1:${ports['control-plane']}`,
      ALERTING_LISTEN_ADDRESS: `127.0.0.1:${ports.alerting}`,
      EXPORTERS_LISTEN_ADDRESS: `127.0.0.1:${ports.exporters}`,
    });
    try {
      await proc.waitForOutput(/FreshTrack Pro is running on the embedded PostgreSQL/, 60_000);
      for (const [role, port] of Object.entries(ports)) {
        const base = `http://127.0.0.1:${port}`;
        expect((await fetch(`${base}/healthz`)).status).toBe(200);
        await waitFor(async () => (await fetch(`${base}/readyz`)).status === 200);
        const metrics = await (await fetch(`${base}/metrics`)).text();
        expect(metrics).toContain(`process_resident_memory_bytes{service="${role}"}`);
      }
    } finally {
      expect(await proc.stop()).toBe(0);
    }
  });
});
