import { createTestDatabase, type TestDatabase } from '../../../test/helpers/postgres';
import { startRouterProcess, type RouterProcess } from './testing/router-process';

/**
 * The alert log keeps accepted requests as posted and a restarting router replays them
 * (ADR 0066): after a SIGKILL, the new process lists exactly the alerts the old one listed,
 * with the times its merges and defaults gave them, whichever API version they came through.
 */
jest.setTimeout(120_000);

interface Listed {
  fingerprint: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  updatedAt: string;
  generatorURL: string;
  status: { state: string };
}

/** comparable: the listing by fingerprint, times as instants (a restarted router prints them in UTC, not as posted). */
async function listing(url: string): Promise<Record<string, unknown>> {
  const alerts = (await (await fetch(`${url}/api/v2/alerts`)).json()) as Listed[];
  return Object.fromEntries(
    alerts.map((a) => [
      a.fingerprint,
      { labels: a.labels, annotations: a.annotations, generatorURL: a.generatorURL, state: a.status.state, startsAt: Date.parse(a.startsAt), endsAt: Date.parse(a.endsAt), updatedAt: Date.parse(a.updatedAt) },
    ]),
  );
}

const post = (url: string, version: 'v1' | 'v2', body: unknown) =>
  fetch(`${url}/api/${version}/alerts`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

describe('a restarted router replays the requests its predecessor accepted', () => {
  let db: TestDatabase;
  const started: RouterProcess[] = [];
  const config = `
global:
  resolve_timeout: 7m
route:
  receiver: none
  group_wait: 1h
receivers:
- name: none
`;

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await Promise.all(started.map((r) => r.stop()));
    await db.drop();
  });

  it('lists the same alerts after a SIGKILL', async () => {
    const first = await startRouterProcess(config, db.url);
    started.push(first);
    const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);
    const door = { alertname: 'DoorOpen', unit: 'walk-in-1' };
    const doorStartsAt = minutesAgo(10);
    // One invalid alert: 400, and the valid ones are kept (as Alertmanager does).
    const mixed = await post(first.url, 'v2', [
      { labels: door, startsAt: doorStartsAt.toISOString().replace('Z', '+00:00') },
      { labels: { alertname: 'Cold', unit: 'freezer-2' }, annotations: { summary: 'freezer at -12 °C' } },
      { labels: { 'bad-name': 'x' } },
    ]);
    expect(mixed.status).toBe(400);
    // Through API v1: a later startsAt for DoorOpen merges into the earlier one; Battery has its own endsAt.
    const v1 = await post(first.url, 'v1', [
      { labels: door, startsAt: minutesAgo(5).toISOString(), annotations: { summary: 'door open 10 min' }, generatorURL: 'http://prometheus.test/graph' },
      { labels: { alertname: 'BatteryLow', sensor: 's-9' }, endsAt: new Date(Date.now() + 3600_000).toISOString() },
    ]);
    expect(v1.status).toBe(200);
    // Cold re-posted without times: its startsAt stays the first one, its endsAt moves on.
    expect((await post(first.url, 'v2', [{ labels: { alertname: 'Cold', unit: 'freezer-2' }, annotations: { summary: 'freezer at -10 °C' } }])).status).toBe(200);

    const before = await listing(first.url);
    expect(Object.keys(before)).toHaveLength(3);
    const byName = (name: string) => Object.values(before).find((a) => (a as { labels: { alertname: string } }).labels.alertname === name);
    expect(byName('DoorOpen')).toMatchObject({ startsAt: doorStartsAt.getTime(), annotations: { summary: 'door open 10 min' } });
    const cold = byName('Cold') as { startsAt: number; updatedAt: number; annotations: unknown };
    expect(cold.startsAt).toBeLessThan(cold.updatedAt);
    expect(cold.annotations).toEqual({ summary: 'freezer at -10 °C' });
    await first.kill();
    started.splice(started.indexOf(first), 1);

    const second = await startRouterProcess(config, db.url);
    started.push(second);
    expect(await listing(second.url)).toEqual(before);
  });
});
