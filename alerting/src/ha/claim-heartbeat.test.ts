import { ClaimHeartbeat } from './claim-heartbeat';

/** The heartbeat on jest's fake timers (setTimeout and performance.now move together). */
describe('ClaimHeartbeat', () => {
  const leaseMs = 4000;
  let lost: string[];
  let beats: ClaimHeartbeat[];
  beforeEach(() => {
    jest.useFakeTimers();
    lost = [];
    beats = [];
  });
  afterEach(() => {
    for (const b of beats) b.stop();
    jest.useRealTimers();
  });
  const start = (renew: () => Promise<boolean>) => {
    const b = new ClaimHeartbeat(renew, leaseMs, performance.now(), (why) => lost.push(why));
    beats.push(b);
    return b;
  };

  it('renews every quarter lease for as long as the send takes, and not after stop', async () => {
    const renew = jest.fn(async () => true);
    const beat = start(renew);
    await jest.advanceTimersByTimeAsync(5 * leaseMs);
    expect(renew).toHaveBeenCalledTimes(20);
    expect(lost).toEqual([]);
    beat.stop();
    await jest.advanceTimersByTimeAsync(2 * leaseMs);
    expect(renew).toHaveBeenCalledTimes(20);
  });

  it('reports a claim taken over once, and stops renewing', async () => {
    const renew = jest.fn().mockResolvedValueOnce(true).mockResolvedValue(false);
    start(renew);
    await jest.advanceTimersByTimeAsync(3 * leaseMs);
    expect(renew).toHaveBeenCalledTimes(2);
    expect(lost).toEqual(['the send claim lapsed and another replica took it over']);
  });

  it('keeps trying through failed renewals, and gives the claim up when the lease runs out', async () => {
    const renew = jest.fn().mockResolvedValueOnce(true).mockRejectedValue(new Error('connection refused'));
    start(renew);
    // Renewed at 1 s: the lease holds until 5 s, however the renewals at 2, 3 and 4 s fail.
    await jest.advanceTimersByTimeAsync(4_999);
    expect(lost).toEqual([]);
    await jest.advanceTimersByTimeAsync(2);
    expect(lost).toHaveLength(1);
    expect(lost[0]).toMatch(/could not be renewed within its lease/);
    await jest.advanceTimersByTimeAsync(2 * leaseMs);
    expect(lost).toHaveLength(1);
  });

  it('gives the claim up when a renewal hangs past the lease', async () => {
    start(() => new Promise<boolean>(() => undefined));
    await jest.advanceTimersByTimeAsync(leaseMs - 1);
    expect(lost).toEqual([]);
    await jest.advanceTimersByTimeAsync(2);
    expect(lost).toEqual(['the send claim could not be renewed within its lease']);
  });
});
