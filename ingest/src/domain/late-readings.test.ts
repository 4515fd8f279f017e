import { evaluateSensor, type SensorEvaluationInput } from './evaluate-sensor';
import { newExcursion, type Excursion } from './excursion';
import { defaultThresholds } from './jurisdiction-profiles';
import { REPLAY_LEAD_SECONDS, replayWindow, type ReplayHistory } from './late-readings';
import type { Reading } from './reading';
import { minuteClock } from './testing/readings';
import type { Thresholds } from './thresholds';

const { at, reading } = minuteClock('2026-06-01T00:00:00Z');
const fridge: Thresholds = { ...defaultThresholds('fda-2022', 'fridge'), delaySeconds: 600 };
const ctx = { thresholds: fridge, unitType: 'fridge' as const, timeZone: 'UTC' };
const settings = { doorOpenSeconds: 300, batteryLowPct: 20, batteryClearPct: 25 };

/** Stored history as the database would return it: every reading of the window, oldest first. */
function history(stored: [number, number][], from: number, to: number, recorded: ReplayHistory['recorded'] = [], complete = true): ReplayHistory {
  const readings = stored
    .filter(([min]) => min >= from && min <= to)
    .sort((a, b) => a[0] - b[0])
    .map(([min, tempC]) => ({ at: at(min), tempC }));
  return { window: { from: at(from), to: at(to) }, readings, complete, recorded };
}

/** onRecord: a temperature excursion already in the database, live when `to` is null. */
function onRecord(from: number, to: number | null, peakC = 8): Excursion {
  return newExcursion('TemperatureExcursion', at(from), {
    id: `rec-${from}`,
    direction: 'high',
    limitC: 5,
    state: to === null ? 'open' : 'closed',
    openedAt: at(from + 10),
    closedAt: to === null ? null : at(to),
    peakC,
    peakAt: at(from),
    secondsBeyondLimit: ((to ?? from) - from) * 60,
  });
}

/** forwardExcursion: the temperature excursion a fresh sensor's readings leave (the forward machine alone). */
function forwardExcursion(readings: Reading[]): Excursion {
  return { ...evaluate(readings, {}).touched.find((e) => e.kind === 'TemperatureExcursion')!, id: 'live-1' };
}

function evaluate(readings: Reading[], over: Partial<SensorEvaluationInput>) {
  return evaluateSensor({ ...ctx, cooling: null, evaluatedUntil: null, live: {}, readings, settings, now: at(1000), ...over });
}

describe('replayWindow', () => {
  it('asks for no replay when no late reading breaches a limit', () => {
    expect(replayWindow([reading(5, 4), reading(6, 2)], ctx, null, at(60))).toBeNull();
  });

  it('asks for no replay when the late breach falls inside the live excursion', () => {
    const live = { breachStartedAt: at(10) } as Excursion;
    expect(replayWindow([reading(20, 9)], ctx, live, at(60))).toBeNull();
    expect(replayWindow([reading(5, 9)], ctx, live, at(60))).not.toBeNull();
  });

  it('asks for no replay of a late breach inside a suppression window', () => {
    const defrost = { ...ctx, thresholds: { ...fridge, suppressionWindows: [{ cron: '0 * * * *', durationMinutes: 30 }] } };
    expect(replayWindow([reading(10, 12)], defrost, null, at(100))).toBeNull();
    expect(replayWindow([reading(40, 12)], defrost, null, at(100))).not.toBeNull();
  });

  it('asks for no replay in a cooling unit, whose hot readings belong to cooling cycles', () => {
    expect(replayWindow([reading(10, 60)], { ...ctx, unitType: 'cooling' }, null, at(100))).toBeNull();
  });

  it('starts the delay plus the lead before the earliest late breach and ends where evaluation stood', () => {
    const w = replayWindow([reading(30, 9), reading(20, 8), reading(10, 4)], ctx, null, at(60))!;
    expect(w.from).toEqual(new Date(at(20).getTime() - (600 + REPLAY_LEAD_SECONDS) * 1000));
    expect(w.to).toEqual(at(60));
  });
});

describe('replaying late readings', () => {
  // Stored before: in range every 10 minutes from 0 to 60; then the gateway's late batch
  // brings a 25-minute breach (minutes 15–40) the forward machine never saw.
  const inRange: [number, number][] = [0, 10, 20, 30, 40, 50, 60].map((m) => [m, 4]);
  const lateBreach: [number, number][] = [[15, 8], [25, 9], [35, 8.5], [45, 4]];
  const late = lateBreach.map(([m, t]) => reading(m, t));

  it('turns a breach revealed by late readings into an ended excursion, alerted once as retrospective', () => {
    // The late readings interleave with stored ones: 20 and 30 were in range, so as stored
    // history in order the breach is 15 (8 °C), 20 (4 °C): it recovers before the delay.
    const interleaved = evaluate(late, { evaluatedUntil: at(60), history: history([...inRange, ...lateBreach], -100, 60) });
    expect(interleaved.events).toEqual([]);
    expect(interleaved.touched).toEqual([]);
    expect(interleaved.late).toBe(4);

    // Without the interleaving in-range readings the breach lasts 15–45 and ends on record.
    const stored: [number, number][] = [[0, 4], [50, 4], [60, 4], ...lateBreach];
    const r = evaluate(late, { evaluatedUntil: at(60), history: history(stored, -100, 60) });
    expect(r.events).toHaveLength(1);
    expect(r.events[0]).toMatchObject({ status: 'firing', retrospective: true, severity: 'warning' });
    expect(r.events[0].excursion).toMatchObject({
      kind: 'TemperatureExcursion',
      state: 'closed',
      breachStartedAt: at(15),
      openedAt: at(25),
      closedAt: at(45),
      peakC: 9,
    });
    expect(r.events[0].excursion.secondsBeyondLimit).toBe(30 * 60);
    expect(r.retrospective).toBe(1);
    expect(r.evaluatedUntil).toEqual(at(60));
  });

  it('leaves an excursion on record as it ended: the replay adds, never rewrites, and only raises its peak', () => {
    const stored: [number, number][] = [[0, 4], [50, 4], [60, 4], ...lateBreach];
    const onFile = onRecord(30, 40);
    const r = evaluate(late, { evaluatedUntil: at(60), history: history(stored, -100, 60, [onFile]) });
    expect(r.events).toEqual([]);
    // 8.5 °C at 35 is inside it and hotter than its 8 °C peak; 9 °C at 25 is outside it.
    expect(r.touched).toEqual([onFile]);
    expect(onFile).toMatchObject({ state: 'closed', breachStartedAt: at(30), closedAt: at(40), peakC: 8.5, peakAt: at(35) });

    const hotter = onRecord(30, 40, 10);
    expect(evaluate(late, { evaluatedUntil: at(60), history: history(stored, -100, 60, [hotter]) }).touched).toEqual([]);
    expect(hotter.peakC).toBe(10);
  });

  it('a breach still running where evaluation stood becomes the live excursion, and the batch carries on from it', () => {
    // Stored: 0 and 50 (4.5 °C: inside the 5 °C limit, so the forward machine saw nothing).
    // Late: 15–40 breaching; replayed, 4.5 °C does not clear by the 1 °C hysteresis, so the
    // breach is still open at 50. The batch's new reading at 70 continues it.
    const hysteresis = { ...ctx, thresholds: { ...fridge, hysteresisC: 1 } };
    const stored: [number, number][] = [[0, 4], [15, 8], [25, 9], [40, 8], [50, 4.5]];
    const batch = [reading(15, 8), reading(25, 9), reading(40, 8), reading(70, 7)];
    const r = evaluate(batch, { ...hysteresis, evaluatedUntil: at(50), history: history(stored, -100, 50) });
    expect(r.events.map((e) => `${e.status}:${e.retrospective === true}`)).toEqual(['firing:false']);
    const ex = r.touched.find((e) => e.kind === 'TemperatureExcursion')!;
    expect(ex).toMatchObject({ state: 'open', breachStartedAt: at(15), openedAt: at(25), lastReadingAt: at(70) });
    expect(r.evaluatedUntil).toEqual(at(70));

    // Had the history been cut short at REPLAY_MAX_READINGS, nothing would be adopted from it.
    const cut = evaluate(batch, { ...hysteresis, evaluatedUntil: at(50), history: history(stored, -100, 50, [], false) });
    expect(cut.touched.find((e) => e.kind === 'TemperatureExcursion')).toMatchObject({ breachStartedAt: at(70), state: 'pending' });
  });

  it('a breach that ran on into the live excursion moves its start back and opens it if the delay had passed', () => {
    const hysteresis = { ...ctx, thresholds: { ...fridge, hysteresisC: 1 } };
    const pending: Excursion = { ...evaluate([reading(55, 8), reading(60, 8)], hysteresis).touched[0], id: 'live-1' };
    expect(pending).toMatchObject({ state: 'pending', breachStartedAt: at(55) });
    // Late: 15–40 breaching; 50 at 4.5 °C is inside the limit but not by the hysteresis, so in
    // order the breach never ended: it began at 15 and was due at 25.
    const stored: [number, number][] = [[0, 4], [15, 8], [25, 9], [40, 8], [50, 4.5], [55, 8], [60, 8]];
    const r = evaluate([reading(15, 8), reading(25, 9), reading(40, 8)], {
      ...hysteresis,
      evaluatedUntil: at(60),
      live: { TemperatureExcursion: pending },
      history: history(stored, -100, 60, [onRecord(55, null)]),
    });
    expect(r.events.map((e) => `${e.status}:${e.retrospective === true}`)).toEqual(['firing:false']);
    expect(r.events[0].excursion).toBe(pending);
    expect(pending).toMatchObject({ id: 'live-1', state: 'open', breachStartedAt: at(15), openedAt: at(25), peakC: 9, peakAt: at(25) });
    // Beyond 5 °C from 15 to 50 (35 min) and 55 to 60 (5 min): 4.5 °C at 50 is back inside.
    expect(pending.secondsBeyondLimit).toBe(40 * 60);
    expect(r.touched.filter((e) => e.kind === 'TemperatureExcursion')).toEqual([pending]);
  });

  /** A warning excursion open since minute 40, then late readings at 20 (at `tempAt20`) and 30 showing the breach began at 20. */
  function backdateOpenExcursion(tempAt20: number) {
    const open = forwardExcursion([reading(40, 8), reading(55, 8), reading(60, 8)]);
    expect(open).toMatchObject({ state: 'open', severity: 'warning', breachStartedAt: at(40) });
    const stored: [number, number][] = [[0, 4], [20, tempAt20], [30, 8], [40, 8], [55, 8], [60, 8]];
    const r = evaluate([reading(20, tempAt20), reading(30, 8)], {
      evaluatedUntil: at(60),
      live: { TemperatureExcursion: open },
      history: history(stored, -100, 60, [onRecord(40, null)]),
    });
    return { open, r };
  }

  it('a backdated live excursion takes the critical tier the replay saw', () => {
    const { open, r } = backdateOpenExcursion(11);
    expect(r.events.map((e) => `${e.status}:${e.severity}`)).toEqual(['resolved:warning', 'firing:critical']);
    expect(open).toMatchObject({ severity: 'critical', breachStartedAt: at(20), peakC: 11 });
  });

  it('sends a firing excursion again at once when its start moves back, with the earlier start', () => {
    const { open, r } = backdateOpenExcursion(8);
    expect(r.events.map((e) => `${e.status}:${e.severity}:${e.retrospective === true}`)).toEqual(['firing:warning:false']);
    expect(r.events[0].excursion).toBe(open);
    expect(open).toMatchObject({ state: 'open', breachStartedAt: at(20), openedAt: at(55) });
    // Beyond 5 °C from 20 to 60, as the replay counted.
    expect(open.secondsBeyondLimit).toBe(40 * 60);
  });

  it('leaves the live excursion alone when the replayed breach runs into an ended one on record', () => {
    const pending: Excursion = { ...evaluate([reading(55, 8), reading(60, 8)], {}).touched[0], id: 'live-1' };
    const stored: [number, number][] = [[0, 4], [15, 8], [25, 9], [40, 8], [55, 8], [60, 8]];
    const r = evaluate([reading(15, 8)], {
      evaluatedUntil: at(60),
      live: { TemperatureExcursion: pending },
      history: history(stored, -100, 60, [onRecord(25, 45), onRecord(55, null)]),
    });
    expect(r.events).toEqual([]);
    expect(pending).toMatchObject({ state: 'pending', breachStartedAt: at(55) });
  });
});
