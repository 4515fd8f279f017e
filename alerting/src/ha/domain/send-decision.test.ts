import { decideSend, needsUpdate, type SendFacts } from './send-decision';

const t0 = new Date('2026-11-25T10:00:00Z');
const at = (ms: number) => new Date(t0.getTime() + ms);
const base: SendFacts = { firing: ['a'], resolved: [], sendResolved: true, repeatIntervalMs: 60_000, now: t0, last: null, claim: null, ack: null };

describe('needsUpdate (Alertmanager 0.25 dedup)', () => {
  it('notifies a new group only if something fires', () => {
    expect(needsUpdate(base)).toEqual({ send: true, reason: 'first' });
    expect(needsUpdate({ ...base, firing: [], resolved: ['a'] })).toEqual({ send: false, reason: 'nothing-firing' });
  });

  it('notifies when the firing set grows, not when it shrinks', () => {
    const last = { firing: ['a', 'b'], resolved: [], sentAt: t0 };
    expect(needsUpdate({ ...base, firing: ['a', 'c'], last, now: at(1000) }).reason).toBe('new-firing');
    expect(needsUpdate({ ...base, firing: ['a'], resolved: [], last, now: at(1000) }).send).toBe(false);
  });

  it('sends all-resolved even without send_resolved, once', () => {
    const last = { firing: ['a'], resolved: [], sentAt: t0 };
    expect(needsUpdate({ ...base, sendResolved: false, firing: [], resolved: ['a'], last }).reason).toBe('all-resolved');
    expect(needsUpdate({ ...base, firing: [], resolved: ['a'], last: { firing: [], resolved: ['a'], sentAt: t0 } }).send).toBe(false);
  });

  it('notifies new resolved alerts only with send_resolved', () => {
    const last = { firing: ['a', 'b'], resolved: [], sentAt: t0 };
    expect(needsUpdate({ ...base, firing: ['a'], resolved: ['b'], last }).reason).toBe('new-resolved');
    expect(needsUpdate({ ...base, sendResolved: false, firing: ['a'], resolved: ['b'], last }).reason).toBe('unchanged');
  });

  it('repeats strictly after repeat_interval', () => {
    const last = { firing: ['a'], resolved: [], sentAt: t0 };
    expect(needsUpdate({ ...base, last, now: at(60_000) }).send).toBe(false);
    expect(needsUpdate({ ...base, last, now: at(60_001) }).reason).toBe('repeat');
  });
});

describe('decideSend (claims and acks)', () => {
  const last = { firing: ['a'], resolved: [], sentAt: t0 };

  it('does not send while another replica holds a live claim, and does once it lapsed', () => {
    const claim = { owner: 'peer', expiresAt: at(5000) };
    expect(decideSend({ ...base, claim, now: at(4999) })).toMatchObject({ send: false, reason: 'claimed' });
    expect(decideSend({ ...base, claim, now: at(5000) })).toMatchObject({ send: true, reason: 'first' });
  });

  it('an ack stops repeats while the firing set stays covered', () => {
    const d = decideSend({ ...base, last, ack: { firing: ['a', 'b'] }, now: at(10 * 60_000) });
    expect(d).toEqual({ send: false, reason: 'acknowledged', clearAck: false });
  });

  it('a new firing alert notifies and retires the ack', () => {
    const d = decideSend({ ...base, firing: ['a', 'c'], last, ack: { firing: ['a'] }, now: at(1000) });
    expect(d).toEqual({ send: true, reason: 'new-firing', clearAck: true });
  });

  it('an acked group still sends its resolution', () => {
    const d = decideSend({ ...base, firing: [], resolved: ['a'], last, ack: { firing: ['a'] }, now: at(1000) });
    expect(d).toMatchObject({ send: true, reason: 'all-resolved' });
  });
});
