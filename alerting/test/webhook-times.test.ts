/**
 * Webhook payload times against the real Alertmanager 0.25 (issue 4): Go's time.Time keeps the
 * offset and the nanoseconds an alert was posted with, and Alertmanager's webhook prints them
 * back (RFC3339Nano), firing and resolved, also after a re-post merged an older startsAt in.
 */
import { waitFor } from '../../test/helpers/processes';
import type { WebhookSink } from '../../test/helpers/webhook-sink';
import { postJson, routersWithSinks } from './support/routers';

const FIRING = [
  { labels: { alertname: 'Offsets' }, startsAt: '2026-11-25T23:07:23.123456789+02:00', endsAt: '2099-11-25T23:07:23.9+05:30' },
  { labels: { alertname: 'NoFraction' }, startsAt: '2026-11-25T21:07:23Z' },
  { labels: { alertname: 'Nanoseconds' }, startsAt: '2026-11-25T21:07:23.999999999Z', endsAt: '2099-01-01T00:00:00.0005Z' },
  { labels: { alertname: 'NegativeOffset' }, startsAt: '2026-11-25T19:37:23.5-01:30' },
  { labels: { alertname: 'ZeroOffset' }, startsAt: '2026-11-25T21:07:23.50+00:00' },
  { labels: { alertname: 'Resolves' }, startsAt: '2026-11-25T21:07:23.000001+03:00' },
];
/** Re-posted later: startsAt is newer (the first one's is kept), endsAt in the past resolves it. */
const RESOLVED = [{ labels: { alertname: 'Resolves' }, startsAt: '2026-11-25T21:07:24Z', endsAt: '2026-11-25T22:07:23.123456-04:00' }];

type Times = Record<string, [string, string]>;

describe('webhook payload times, ours and Alertmanager 0.25', () => {
  const { routers, sinks } = routersWithSinks(
    (sink) => `route: {receiver: hook, group_by: [alertname], group_wait: 1s, group_interval: 1s}\nreceivers: [{name: hook, webhook_configs: [{url: "${sink}/", send_resolved: true}]}]\n`,
  );

  /** delivered maps `status alertname` to the [startsAt, endsAt] the sink received. */
  const delivered = (sink: WebhookSink): Times => {
    const out: Times = {};
    for (const r of sink.requests)
      for (const a of (r.body as { alerts: { status: string; labels: { alertname: string }; startsAt: string; endsAt: string }[] }).alerts)
        out[`${a.status} ${a.labels.alertname}`] = [a.startsAt, a.endsAt];
    return out;
  };

  test('firing and resolved alerts carry the times as they were posted, to the nanosecond and in their offset', async () => {
    for (const r of routers) expect((await postJson(`${r.url}/api/v2/alerts`, FIRING)).status).toBe(200);
    await waitFor(async () => sinks.every((s) => Object.keys(delivered(s)).length === FIRING.length), 30_000, 100);
    for (const r of routers) expect((await postJson(`${r.url}/api/v2/alerts`, RESOLVED)).status).toBe(200);
    await waitFor(async () => sinks.every((s) => delivered(s)['resolved Resolves'] !== undefined), 30_000, 100);

    const [real, ours] = sinks.map(delivered);
    expect(Object.keys(real).sort()).toEqual([...FIRING.map((a) => `firing ${a.labels.alertname}`), 'resolved Resolves'].sort());
    expect(ours).toEqual(real);
    // As Alertmanager 0.25 sent them when this test was written, so both sides cannot drift together.
    expect(ours['firing Offsets']).toEqual(['2026-11-25T23:07:23.123456789+02:00', '0001-01-01T00:00:00Z']);
    expect(ours['firing ZeroOffset']).toEqual(['2026-11-25T21:07:23.5Z', '0001-01-01T00:00:00Z']);
    expect(ours['resolved Resolves']).toEqual(['2026-11-25T21:07:23.000001+03:00', '2026-11-25T22:07:23.123456-04:00']);
  }, 90_000);
});
