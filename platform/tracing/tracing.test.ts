import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/postgres';
import { freePort, startFreshtrack, waitFor } from '../../test/helpers/processes';
import { createOrg, postReadings } from '../../ingest/test/ingest-fixtures';

/** A local OTLP/HTTP collector endpoint that keeps every body posted to /v1/traces. */
function startCollector(): Promise<{ server: Server; url: string; bodies: Buffer[] }> {
  const bodies: Buffer[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.url === '/v1/traces') bodies.push(Buffer.concat(chunks));
      res.writeHead(200, { 'Content-Type': 'application/x-protobuf' }).end();
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, bodies })),
  );
}

/** startTracedIngest runs the ingest role exporting its spans to a local collector. */
async function startTracedIngest(databaseUrl: string) {
  const collector = await startCollector();
  const port = await freePort();
  const proc = startFreshtrack(['ingest', `--web.listen-address=127.0.0.1:${port}`], {
    DATABASE_URL: databaseUrl,
    OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
    OTEL_BSP_SCHEDULE_DELAY: '200',
  });
  try {
    await proc.waitForOutput(/ingest listening/);
  } catch (err) {
    await proc.stop();
    collector.server.close();
    throw err;
  }
  return { collector, port, proc };
}

describe('OpenTelemetry export', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });

  test('with OTEL_EXPORTER_OTLP_ENDPOINT set, the spans of a request reach the collector', async () => {
    const { collector, port, proc } = await startTracedIngest(db.url);
    try {
      const traceId = randomBytes(16).toString('hex');
      await fetch(`http://127.0.0.1:${port}/readyz`, { headers: { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` } });
      // OTLP protobuf carries the trace id as its 16 raw bytes. The readiness check's pg
      // queries are child spans of the same trace; they end first and may leave in an
      // earlier export than the server span, so wait for the one that carries GET.
      const needle = Buffer.from(traceId, 'hex');
      const body = await waitFor(async () => collector.bodies.find((b) => b.includes(needle) && b.includes(Buffer.from('GET'))));
      expect(body.includes(Buffer.from('freshtrack'))).toBe(true);
    } finally {
      await proc.stop();
      collector.server.close();
    }
  });

  test("ingest's spans name its steps, and a replay of late readings marks the evaluation", async () => {
    const { collector, port, proc } = await startTracedIngest(db.url);
    try {
      const org = await createOrg(db.pool);
      const url = `http://127.0.0.1:${port}`;
      const at = (min: number) => new Date(Date.now() - 3_600_000 + min * 60_000).toISOString();
      await postReadings(url, org.key, { sensor_id: org.sensors[0], recorded_at: at(30), temperature_c: 4 });
      // Older than what was evaluated, and beyond the fridge's 5 °C limit: replayed.
      const late = await postReadings(url, org.key, { sensor_id: org.sensors[0], recorded_at: at(10), temperature_c: 9 });
      expect(late.status).toBe(200);
      const spans = await waitFor(async () => {
        const all = Buffer.concat(collector.bodies);
        return all.includes(Buffer.from('freshtrack.ingest.replays')) ? all : undefined;
      });
      for (const name of ['ingest.validate', 'ingest.store', 'ingest.transaction', 'ingest.evaluate']) expect(spans.includes(Buffer.from(name))).toBe(true);
    } finally {
      await proc.stop();
      collector.server.close();
    }
  });
});
