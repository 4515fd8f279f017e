/**
 * Alert times as Alertmanager 0.25 decodes them (go-openapi strfmt.DateTime over Go 1.19's
 * time.Parse, issue 4): every string goes to the real Alertmanager and to ours as an alert's
 * startsAt; the answers must be identical, and for accepted ones the time printed back by
 * GET /api/v2/alerts too.
 */
import { postJson, routersSideBySide, type RunningRouter } from './support/routers';

const CONFIG = `
route:
  receiver: a
  group_wait: 1h
receivers:
- name: a
`;

const ACCEPTED = [
  '2026-11-25T21:07:23Z',
  '2026-11-25T21:07:23.5Z',
  '2026-11-25T21:07:23,5Z',
  '2026-11-25T21:07:23.123456+02:00',
  '2026-11-25T21:07:23.123+0200',
  '2026-11-25T21:07:23.123456-0530',
  '2026-11-25T21:07:23.1234567891+01:00',
  '2026-11-25T21:07:23',
  '2026-11-25T21:07',
  '2026-11-25T21:07Z',
  '2026-11-25 21:07:23',
  '2026-11-25 21:07:23.25',
  '2026-11-25   21:07:23',
  '2026-11-25T9:07:23Z',
  '2024-02-29T12:00:00Z',
  '2026-11-25T21:07:23+25:00',
  '2026-11-25T21:07:23+02:61',
];

const REFUSED = [
  '2026-11-25t21:07:23z',
  '2026-11-25T21:07:23.5+0200',
  '2026-11-25',
  'yesterday',
  '2026-13-01T00:00:00Z',
  '2026-00-10T00:00:00Z',
  '2026-02-29T00:00:00Z',
  '2026-11-25T24:00:00Z',
  '2026-11-25T21:60:00Z',
  '2026-11-25T21:07:60Z',
  '2026-11-25T21:07:23Zjunk',
  '2026-11-25 21:07:23Z',
  '2026-11-25T21:07:23.12+02:00x',
  '2026-11-25T21:07:23.-5Z',
  '2026-11-25T21:07:23 +02:00',
  '20a6-11-25T21:07:23Z',
  'dé-jà "vu"\\',
  '2026-11-25T21:07:23\t',
];

async function answer(r: RunningRouter, startsAt: string, i: number): Promise<{ status: number; body: string; startsAt?: string }> {
  const alertname = `time-${i}`;
  const res = await postJson(`${r.url}/api/v2/alerts`, [{ labels: { alertname }, startsAt, endsAt: '2099-01-01T00:00:00Z' }]);
  const body = res.text;
  if (res.status !== 200) return { status: res.status, body };
  const alerts = (await (await fetch(`${r.url}/api/v2/alerts?filter=${encodeURIComponent(`alertname="${alertname}"`)}`)).json()) as { startsAt: string }[];
  return { status: res.status, body, startsAt: alerts[0]?.startsAt };
}

describe('API v2 alert times: real Alertmanager vs freshtrack alerting', () => {
  const routers = routersSideBySide(CONFIG);
  const answers = new Map<string, [Awaited<ReturnType<typeof answer>>, Awaited<ReturnType<typeof answer>>]>();

  beforeAll(async () => {
    let i = 0;
    for (const t of [...ACCEPTED, ...REFUSED]) {
      i++;
      answers.set(t, [await answer(routers.real, t, i), await answer(routers.ours, t, i)]);
    }
  }, 120_000);
  test.each(ACCEPTED)('accepts %j and prints it back as Alertmanager does', (t) => {
    const [r, o] = answers.get(t)!;
    expect(r.status).toBe(200);
    expect(o).toEqual(r);
  });

  test.each(REFUSED)('refuses %j with Alertmanager’s message', (t) => {
    const [r, o] = answers.get(t)!;
    expect(r.status).toBe(400);
    expect(o).toEqual(r);
  });
});
