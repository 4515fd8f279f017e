/**
 * The routing core with an injected clock: group timing, dedup, send_resolved, silences,
 * inhibition and retries, without HTTP.
 */
import pino from 'pino';
import { parseConfig } from '../src/config/config';
import { MemoryNotificationLog } from '../src/nflog/notification-log';
import { NotifyError, type Notifier, type NotifyContext } from '../src/notify/notifier';
import { RetryStage } from '../src/notify/retry-stage';
import { AlertRouter } from '../src/router/alert-router';
import { MemorySilenceStore } from '../src/silence/silence-store';
import { FakeClock } from '../src/testing/fake-clock';
import type { Alert } from '../src/types/alert';
import { fingerprint } from '../src/types/fingerprint';

const logger = pino({ level: 'silent' });

/** A sink URL nobody listens on is fine: we watch the notification metrics hooks instead. */
const YAML = (topLevel = '') => `
route: {receiver: r, group_by: [alertname], group_wait: 1s, group_interval: 2s, repeat_interval: 3s}
receivers: [{name: r, webhook_configs: [{url: "http://127.0.0.1:9/x"}]}]
${topLevel}`;

class RecordingNotifier implements Notifier {
  readonly integration = 'test';
  calls: { at: number; alerts: string[] }[] = [];
  failures: NotifyError[] = [];
  constructor(
    private readonly clock: FakeClock,
    readonly sendResolved = true,
  ) {}
  async notify(ctx: NotifyContext, alerts: Alert[]): Promise<void> {
    this.calls.push({ at: this.clock.now().getTime(), alerts: alerts.map((a) => `${a.labels.alertname}:${a.endsAt <= ctx.now ? 'resolved' : 'firing'}`) });
    const f = this.failures.shift();
    if (f) throw f;
  }
}

/** withRecorder swaps the webhook for a recorder by re-building the router's pipeline through the registry. */
async function withRecorder(sendResolved: boolean, topLevel = '') {
  const { INTEGRATIONS } = await import('../src/notify/registry');
  const clock = new FakeClock();
  const recorder = new RecordingNotifier(clock, sendResolved);
  const original = INTEGRATIONS.webhook_configs.create;
  INTEGRATIONS.webhook_configs.create = () => recorder;
  try {
    const router = new AlertRouter({ clock, logger, externalURL: 'http://am', silenceStore: new MemorySilenceStore(), nflog: new MemoryNotificationLog(), retentionMs: 120 * 3600_000 });
    router.applyConfig(parseConfig(YAML(topLevel)));
    const post = (alertname: string, endsInMs = 300_000, extra: Record<string, string> = {}, startsAgoMs = 0) => {
      const labels = { alertname, ...extra };
      router.put([{ labels, annotations: {}, startsAt: new Date(clock.now().getTime() - startsAgoMs), endsAt: new Date(clock.now().getTime() + endsInMs), generatorURL: '', updatedAt: clock.now(), fingerprint: fingerprint(labels), timeout: false }]);
    };
    return { clock, recorder, router, post, start: clock.now().getTime() };
  } finally {
    INTEGRATIONS.webhook_configs.create = original;
  }
}

describe('dispatch and notify pipeline (fake clock)', () => {
  test('group_wait batches, then group_interval ticks; repeat only at ticks after repeat_interval', async () => {
    const t = await withRecorder(true);
    t.post('A');
    await t.clock.advance(500);
    t.post('A', 300_000, { second: 'yes' });
    await t.clock.advance(10_000);
    const rel = t.recorder.calls.map((c) => ({ at: c.at - t.start, n: c.alerts.length }));
    // group_wait 1s: one batched send; repeat 3s at 2s ticks: 1s, 5s, 9s.
    expect(rel).toEqual([
      { at: 1000, n: 2 },
      { at: 5000, n: 2 },
      { at: 9000, n: 2 },
    ]);
  });

  test('an alert older than group_wait flushes a new group at once', async () => {
    const t = await withRecorder(true);
    t.post('Old', 300_000, {}, 60_000);
    await t.clock.advance(1);
    expect(t.recorder.calls.map((c) => c.at - t.start)).toEqual([0]);
  });

  test('inhibition with equal: a firing source mutes targets with the same equal labels only', async () => {
    const t = await withRecorder(
      true,
      'inhibit_rules: [{source_matchers: [severity="critical"], target_matchers: [severity="warning"], equal: [cluster]}]',
    );
    t.post('Src', 300_000, { severity: 'critical', cluster: 'a' });
    t.post('Tgt', 300_000, { severity: 'warning', cluster: 'a' });
    t.post('Other', 300_000, { severity: 'warning', cluster: 'b' });
    await t.clock.advance(1500);
    expect(t.recorder.calls.flatMap((c) => c.alerts).sort()).toEqual(['Other:firing', 'Src:firing']);
    expect(t.router.status({ alertname: 'Tgt', severity: 'warning', cluster: 'a' }).inhibitedBy).toEqual([fingerprint({ alertname: 'Src', severity: 'critical', cluster: 'a' })]);
  });

  test('send_resolved: resolved alerts notify once; all-resolved groups never notify first', async () => {
    const t = await withRecorder(true);
    t.post('A');
    await t.clock.advance(1500);
    t.post('A', -1);
    await t.clock.advance(4000);
    expect(t.recorder.calls.map((c) => c.alerts)).toEqual([['A:firing'], ['A:resolved']]);
    t.post('B', -1);
    await t.clock.advance(10_000);
    expect(t.recorder.calls).toHaveLength(2);
  });

  test('send_resolved false: nothing sent for resolution, but a re-fire counts as new', async () => {
    const t = await withRecorder(false);
    t.post('A');
    await t.clock.advance(1500);
    t.post('A', -1);
    await t.clock.advance(4000);
    expect(t.recorder.calls.map((c) => c.alerts)).toEqual([['A:firing']]);
    t.post('A');
    await t.clock.advance(2500);
    expect(t.recorder.calls.map((c) => c.alerts)).toEqual([['A:firing'], ['A:firing']]);
  });

  test('silences mute while active; silence state follows the clock', async () => {
    const t = await withRecorder(true);
    const now = t.clock.now().getTime();
    const id = t.router.silences.set({ id: '', matchers: [{ name: 'alertname', value: 'S', isRegex: false, isEqual: true }], startsAt: new Date(now), endsAt: new Date(now + 5000), createdBy: 'x', comment: 'y' });
    expect(t.router.silences.state(t.router.silences.get(id)!)).toBe('active');
    t.post('S');
    t.post('N');
    await t.clock.advance(1500);
    expect(t.recorder.calls.flatMap((c) => c.alerts)).toEqual(['N:firing']);
    expect(t.router.status({ alertname: 'S' })).toEqual({ state: 'suppressed', silencedBy: [id], inhibitedBy: [] });
    await t.clock.advance(6000);
    expect(t.router.silences.state(t.router.silences.get(id)!)).toBe('expired');
    expect(t.recorder.calls.flatMap((c) => c.alerts)).toContain('S:firing');
  });

  test('retry: 5xx retried within group_interval, 4xx not retried', async () => {
    const clock = new FakeClock();
    const recorder = new RecordingNotifier(clock);
    const stage = new RetryStage(recorder, 0, clock, logger);
    const ctx = { receiver: 'r', groupKey: '{}:{}', groupLabels: {}, integrationIndex: 0, externalURL: '', now: clock.now(), repeatIntervalMs: 1, muteTimeIntervals: [], activeTimeIntervals: [], firing: ['x'] };
    const alert = { labels: { alertname: 'A' }, annotations: {}, startsAt: clock.now(), endsAt: new Date(clock.now().getTime() + 1000), generatorURL: '', updatedAt: clock.now(), fingerprint: 'f' };
    recorder.failures.push(new NotifyError('boom', true, 'serverError'), new NotifyError('boom', true, 'serverError'));
    const run = stage.exec(ctx, [alert]);
    await clock.advance(5000);
    await run;
    expect(recorder.calls).toHaveLength(3);

    recorder.calls = [];
    recorder.failures.push(new NotifyError('bad request', false, 'clientError'));
    await expect(stage.exec(ctx, [alert])).rejects.toThrow(/unrecoverable error after 1 attempts: bad request/);
    expect(recorder.calls).toHaveLength(1);

    recorder.calls = [];
    recorder.failures.push(...Array.from({ length: 100 }, () => new NotifyError('down', true, 'serverError')));
    const abort = new AbortController();
    const bounded = stage.exec({ ...ctx, signal: abort.signal }, [alert]);
    const outcome = expect(bounded).rejects.toThrow(/notify retry canceled after \d+ attempts: down/);
    await clock.advance(2000);
    abort.abort();
    await clock.advance(10);
    await outcome;
    expect(recorder.calls.length).toBeGreaterThan(1);
    expect(recorder.calls.length).toBeLessThan(10);
  });
});
