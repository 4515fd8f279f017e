import { MemorySilenceStore } from '../src/silence/silence-store';
import { Silences } from '../src/silence/silences';
import { SilenceError, SilenceNotFoundError } from '../src/silence/silence';
import { FakeClock } from '../src/testing/fake-clock';

const m = (value: string) => [{ name: 'alertname', value, isRegex: false, isEqual: true }];

describe('silences', () => {
  const setup = () => {
    const clock = new FakeClock();
    const silences = new Silences(new MemorySilenceStore(), clock, 3600_000);
    const at = (ms: number) => new Date(clock.now().getTime() + ms);
    return { clock, silences, at };
  };

  test('updating an active silence keeps its id; changing matchers replaces and expires it', () => {
    const { silences, at } = setup();
    const id = silences.set({ id: '', matchers: m('A'), startsAt: at(0), endsAt: at(60_000), createdBy: 'a', comment: 'one' });
    const same = silences.get(id)!;
    expect(silences.set({ ...same, comment: 'two', endsAt: at(120_000) })).toBe(id);
    expect(silences.get(id)!.comment).toBe('two');
    const replaced = silences.set({ ...silences.get(id)!, matchers: m('B') });
    expect(replaced).not.toBe(id);
    expect(silences.state(silences.get(id)!)).toBe('expired');
    expect(silences.state(silences.get(replaced)!)).toBe('active');
  });

  test('a start in the past is clamped to now; pending becomes active with time', async () => {
    const { clock, silences, at } = setup();
    const past = silences.set({ id: '', matchers: m('A'), startsAt: at(-60_000), endsAt: at(60_000), createdBy: '', comment: '' });
    expect(silences.get(past)!.startsAt).toEqual(clock.now());
    const pending = silences.set({ id: '', matchers: m('B'), startsAt: at(10_000), endsAt: at(60_000), createdBy: '', comment: '' });
    expect(silences.state(silences.get(pending)!)).toBe('pending');
    expect(silences.mutedBy({ alertname: 'B' })).toEqual([]);
    await clock.advance(10_000);
    expect(silences.mutedBy({ alertname: 'B' })).toEqual([pending]);
  });

  test('expire: pending and active silences end now; unknown ids are not found', () => {
    const { silences, at } = setup();
    const id = silences.set({ id: '', matchers: m('A'), startsAt: at(0), endsAt: at(60_000), createdBy: '', comment: '' });
    silences.expire(id);
    expect(silences.state(silences.get(id)!)).toBe('expired');
    expect(() => silences.expire('00000000-0000-4000-8000-000000000000')).toThrow(SilenceNotFoundError);
    expect(() => silences.set({ id: 'nope', matchers: m('A'), startsAt: at(0), endsAt: at(1000), createdBy: '', comment: '' })).toThrow(SilenceNotFoundError);
  });

  test('validation messages and retention of expired silences', async () => {
    const { clock, silences, at } = setup();
    expect(() => silences.set({ id: '', matchers: [{ name: 'a', value: '.*', isRegex: true, isEqual: true }], startsAt: at(0), endsAt: at(1000), createdBy: '', comment: '' })).toThrow(
      new SilenceError('silence invalid: at least one matcher must not match the empty string'),
    );
    const id = silences.set({ id: '', matchers: m('A'), startsAt: at(0), endsAt: at(1000), createdBy: '', comment: '' });
    await clock.advance(1000 + 3600_000 - 1);
    expect(silences.gc()).toBe(0);
    expect(silences.get(id)).toBeDefined();
    await clock.advance(2);
    expect(silences.gc()).toBe(1);
    expect(silences.get(id)).toBeUndefined();
  });
});
