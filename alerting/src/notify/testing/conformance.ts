import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NotifyError, type Notifier, type NotifyContext } from '../notifier';
import type { Alert } from '../../types/alert';

/**
 * The conformance suite every HTTP notifier test runs (Alertmanager's notify/test/test.go):
 * the retry table (2xx ok, 5xx/429 retryable, other 4xx final, network errors retryable)
 * and the secret check (no error message ever contains a routing key, token or URL secret,
 * even when the service echoes the request path back).
 */
export interface CapturedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** LocalService is a loopback HTTP server answering with a status chosen by the test. */
export interface LocalService {
  url: string;
  requests: CapturedRequest[];
  respondWith(status: number, body?: string): void;
  close(): Promise<void>;
}

export async function startLocalService(): Promise<LocalService> {
  const requests: CapturedRequest[] = [];
  let status = 200;
  let reply: string | undefined;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(status, { 'Content-Type': 'text/plain' });
      // Echo the path, as some services do in error bodies, to prove it is redacted.
      res.end(reply ?? `status ${status} for ${req.url}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    respondWith(s, b) {
      status = s;
      reply = b;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export function testContext(overrides: Partial<NotifyContext> = {}): NotifyContext {
  return {
    receiver: 'team-a',
    groupKey: '{}:{alertname="FreezerWarm"}',
    groupLabels: { alertname: 'FreezerWarm' },
    integrationIndex: 0,
    externalURL: 'http://router.example:9093',
    now: new Date('2026-11-25T22:00:00Z'),
    ...overrides,
  };
}

export function testAlert(labels: Record<string, string> = { alertname: 'FreezerWarm', site: 'store-1' }, resolved = false): Alert {
  const now = new Date('2026-11-25T22:00:00Z');
  return {
    labels,
    annotations: { summary: 'Freezer above -15°C' },
    startsAt: new Date('2026-11-25T21:50:00Z'),
    endsAt: resolved ? new Date('2026-11-25T21:59:00Z') : new Date('2026-11-25T22:05:00Z'),
    generatorURL: 'http://prometheus.example/graph?g0.expr=temp',
    updatedAt: now,
    fingerprint: '5e5773ce6868c6de',
  };
}

export interface HttpConformanceSubject {
  integration: string;
  /** Builds the notifier sending to `url` (the local service plus a secret-bearing path). */
  create(url: string): Notifier;
  /** Path appended to the service URL; put the URL token here. */
  secretPath: string;
  /** Every secret the config holds: none may appear in an error message. */
  secrets: string[];
}

const RETRY_TABLE: [number, boolean | 'ok'][] = [
  [200, 'ok'],
  [202, 'ok'],
  [400, false],
  [401, false],
  [403, false],
  [404, false],
  [429, true],
  [500, true],
  [502, true],
  [503, true],
];

/** describeHttpConformance registers the shared retry-table and secret tests for one notifier. */
export function describeHttpConformance(subject: HttpConformanceSubject): void {
  describe(`${subject.integration} conformance`, () => {
    let service: LocalService;
    beforeAll(async () => {
      service = await startLocalService();
    });
    afterAll(() => service.close());

    test.each(RETRY_TABLE)('status %d → %s', async (status, expected) => {
      service.respondWith(status);
      const notifier = subject.create(service.url + subject.secretPath);
      const result = notifier.notify(testContext(), [testAlert()]);
      if (expected === 'ok') {
        await expect(result).resolves.toBeUndefined();
        return;
      }
      const err = await result.then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(NotifyError);
      expect((err as NotifyError).retryable).toBe(expected);
      expect((err as NotifyError).reason).toBe(expected ? 'serverError' : 'clientError');
      expect((err as NotifyError).message).toContain(String(status));
      for (const s of subject.secrets) expect((err as NotifyError).message).not.toContain(s);
    });

    test('a refused connection is retryable and names no secret', async () => {
      const closed = await startLocalService();
      await closed.close();
      const err = await subject.create(closed.url + subject.secretPath).notify(testContext(), [testAlert()]).then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(NotifyError);
      expect((err as NotifyError).retryable).toBe(true);
      expect((err as NotifyError).reason).toBe('network');
      for (const s of subject.secrets) expect((err as NotifyError).message).not.toContain(s);
    });

    test('an aborted attempt is reported as a timeout', async () => {
      service.respondWith(200);
      const ac = new AbortController();
      ac.abort();
      const err = await subject.create(service.url + subject.secretPath).notify(testContext({ signal: ac.signal }), [testAlert()]).then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(NotifyError);
      expect((err as NotifyError).reason).toBe('timeout');
    });
  });
}
