import { ClaimHeartbeat, type HeldClaim } from './claim-heartbeat';

/** The heartbeat on jest's fake timers (setTimeout and performance.now move together). */
describe('ClaimHeartbeat', () => {
  const leaseMs = 4000;
  let lost: string[];
  let releases: (() => void)[];
  beforeEach(() => {
    jest.useFakeTimers();
    lost = [];
    releases = [];
  });
  afterEach(() => {
    for (const r of releases) r();
    jest.useRealTimers();
  });
  const claim = (token: string, lease = leaseMs): HeldClaim => ({ key: { receiver: 'r', integration: 'webhook[0]', groupKey: token }, token, leaseMs: lease });
  const hold = (beat: ClaimHeartbeat, c: HeldClaim) => {
    const release = beat.hold(c, performance.now(), (why) => lost.push(`${c.token}: ${why}`));
    releases.push(release);
    return release;
  };
  const allOurs = jest.fn(async (held: HeldClaim[]) => new Set(held.map((c) => c.token)));
  beforeEach(() => allOurs.mockClear());

  it('renews every held claim in one call per quarter lease for as long as the send takes, and nothing once released', async () => {
    const beat = new ClaimHeartbeat(allOurs);
    const releaseA = hold(beat, claim('a'));
    const releaseB = hold(beat, claim('b'));
    await jest.advanceTimersByTimeAsync(5 * leaseMs);
    expect(allOurs).toHaveBeenCalledTimes(20);
    expect(allOurs.mock.calls[19][0].map((c) => c.token)).toEqual(['a', 'b']);
    releaseA();
    await jest.advanceTimersByTimeAsync(leaseMs);
    expect(allOurs.mock.calls[23][0].map((c) => c.token)).toEqual(['b']);
    releaseB();
    await jest.advanceTimersByTimeAsync(2 * leaseMs);
    expect(allOurs).toHaveBeenCalledTimes(24);
    expect(lost).toEqual([]);
  });

  it('renews at the pace of the shortest held lease', async () => {
    const beat = new ClaimHeartbeat(allOurs);
    hold(beat, claim('long', 8000));
    hold(beat, claim('short', 2000));
    await jest.advanceTimersByTimeAsync(2000);
    expect(allOurs).toHaveBeenCalledTimes(4);
    expect(lost).toEqual([]);
  });

  it('reports a claim that was taken over, once, and keeps renewing the others', async () => {
    let round = 0;
    const beat = new ClaimHeartbeat(async (held) => new Set(held.map((c) => c.token).filter((t) => t !== 'b' || ++round < 2)));
    hold(beat, claim('a'));
    hold(beat, claim('b'));
    await jest.advanceTimersByTimeAsync(3 * leaseMs);
    expect(lost).toEqual(['b: the send claim lapsed and another replica took it over']);
  });

  it('keeps trying through failed renewals, and gives the claim up when the lease runs out', async () => {
    const renew = jest.fn().mockImplementationOnce(allOurs).mockRejectedValue(new Error('connection refused'));
    hold(new ClaimHeartbeat(renew), claim('a'));
    // Renewed at 1 s: the lease holds until 5 s, however the renewals at 2, 3 and 4 s fail.
    await jest.advanceTimersByTimeAsync(4_999);
    expect(lost).toEqual([]);
    await jest.advanceTimersByTimeAsync(2);
    expect(lost).toHaveLength(1);
    expect(lost[0]).toMatch(/^a: the send claim could not be renewed within its lease/);
    await jest.advanceTimersByTimeAsync(2 * leaseMs);
    expect(lost).toHaveLength(1);
  });

  it('gives the claims up when a renewal hangs past their leases, including one held meanwhile', async () => {
    const beat = new ClaimHeartbeat(() => new Promise<Set<string>>(() => undefined));
    hold(beat, claim('a'));
    await jest.advanceTimersByTimeAsync(1_500);
    hold(beat, claim('b'));
    await jest.advanceTimersByTimeAsync(leaseMs - 1_500 - 1);
    expect(lost).toEqual([]);
    await jest.advanceTimersByTimeAsync(2);
    expect(lost).toEqual(['a: the send claim could not be renewed within its lease']);
    await jest.advanceTimersByTimeAsync(1_500);
    expect(lost).toEqual(['a: the send claim could not be renewed within its lease', 'b: the send claim could not be renewed within its lease']);
  });
});
