import { evaluateSensor, type SensorEvaluationInput } from './evaluate-sensor';
import { defaultThresholds } from './jurisdiction-profiles';
import type { Reading } from './reading';
import { minuteClock } from './testing/readings';
import type { Thresholds } from './thresholds';

const { at, reading } = minuteClock('2026-06-01T00:00:00Z');
const fridge: Thresholds = { ...defaultThresholds('fda-2022', 'fridge'), delaySeconds: 600 };
const settings = { doorOpenSeconds: 300, batteryLowPct: 20, batteryClearPct: 25 };

function run(readings: Reading[], over: Partial<SensorEvaluationInput> = {}) {
  return evaluateSensor({
    unitType: 'fridge',
    thresholds: fridge,
    cooling: null,
    timeZone: 'UTC',
    evaluatedUntil: null,
    live: {},
    readings,
    settings,
    now: at(1000),
    ...over,
  });
}

describe('temperature excursions', () => {
  it('stays pending until the breach outlasts the delay, then opens once', () => {
    const r = run([reading(0, 4), reading(5, 7), reading(10, 7.5), reading(15, 8), reading(20, 8.2)]);
    const ex = r.touched.find((e) => e.kind === 'TemperatureExcursion')!;
    expect(ex.state).toBe('open');
    expect(ex.breachStartedAt).toEqual(at(5));
    expect(ex.openedAt).toEqual(at(15));
    expect(r.events.map((e) => e.status)).toEqual(['firing']);
    expect(ex.peakC).toBe(8.2);
    // 15 minutes beyond 5 °C: 5 min at +2, 5 at +2.5, 5 at +3 => 37.5 degree-minutes.
    expect(ex.secondsBeyondLimit).toBe(900);
    expect(ex.degreeMinutes).toBeCloseTo(37.5, 6);
    expect(ex.suggestedDisposition).toBe('keep');
  });

  it('discards a pending breach that recovers before the delay', () => {
    const r = run([reading(0, 7), reading(5, 4)]);
    expect(r.events).toEqual([]);
    expect(r.touched[0]).toMatchObject({ state: 'closed', discarded: true });
  });

  it('evaluates out-of-order readings of a batch in recorded_at order', () => {
    const r = run([reading(20, 8), reading(0, 7), reading(10, 7)]);
    const ex = r.touched[0];
    expect(ex.breachStartedAt).toEqual(at(0));
    expect(ex.openedAt).toEqual(at(10));
    expect(r.evaluatedUntil).toEqual(at(20));
  });

  it('closes only once back inside the limit by the hysteresis', () => {
    const first = run([reading(0, 7), reading(10, 7)]);
    const ex = first.touched[0];
    const second = run([reading(15, 4.8), reading(20, 4.6)], { live: { TemperatureExcursion: ex }, evaluatedUntil: at(10) });
    expect(second.events).toEqual([]);
    expect(ex.state).toBe('open');
    const third = run([reading(25, 4.4)], { live: { TemperatureExcursion: ex }, evaluatedUntil: at(20) });
    expect(third.events.map((e) => e.status)).toEqual(['resolved']);
    expect(ex).toMatchObject({ state: 'closed', closedAt: at(25) });
  });

  it('an excursion that opens and closes within one backfill gets one retrospective firing alert', () => {
    // Escalated to critical on the way: the one alert carries the severity it ended with.
    const r = run([reading(0, 7), reading(10, 7), reading(15, 11), reading(20, 3)]);
    expect(r.events).toHaveLength(1);
    expect(r.events[0]).toMatchObject({ status: 'firing', severity: 'critical', retrospective: true });
    expect(r.events[0].excursion).toMatchObject({ state: 'closed', openedAt: at(10), closedAt: at(20), peakC: 11 });
    expect(r.retrospective).toBe(1);
  });

  it('an excursion open before the batch that closes in it is resolved as usual', () => {
    const first = run([reading(0, 7), reading(10, 7)]);
    const ex = first.touched[0];
    const r = run([reading(15, 11), reading(20, 3)], { live: { TemperatureExcursion: ex }, evaluatedUntil: at(10) });
    expect(r.events.map((e) => `${e.status}:${e.severity}:${e.retrospective === true}`)).toEqual(['resolved:warning:false', 'firing:critical:false', 'resolved:critical:false']);
    expect(r.retrospective).toBe(0);
  });

  it('escalates to critical: resolves the warning alert and fires a critical one', () => {
    const r = run([reading(0, 7), reading(10, 7), reading(15, 11)]);
    expect(r.events.map((e) => `${e.status}:${e.severity}`)).toEqual(['firing:warning', 'resolved:warning', 'firing:critical']);
  });

  it('detects low temperatures in hot holding', () => {
    const hot = { ...defaultThresholds('fda-2022', 'hot-holding'), delaySeconds: 0 };
    const r = run([reading(0, 50)], { thresholds: hot, unitType: 'hot-holding' });
    expect(r.touched[0]).toMatchObject({ direction: 'low', severity: 'critical', state: 'open', limitC: 57 });
  });

  it('ignores breaches inside a defrost window and discards a pending breach there', () => {
    const th = { ...fridge, suppressionWindows: [{ cron: '0 */6 * * *', durationMinutes: 30 }] };
    const r = run([reading(0, 12), reading(10, 12), reading(20, 12), reading(29, 12)], { thresholds: th });
    expect(r.events).toEqual([]);
    expect(r.touched).toEqual([]);
    const after = run([reading(30, 12), reading(40, 12)], { thresholds: th });
    expect(after.events.map((e) => e.status)).toEqual(['firing']);
  });

  it('a late critical reading inside the live excursion escalates it, as it would have in order', () => {
    const ex = run([reading(0, 7), reading(10, 7), reading(20, 7)]).touched[0];
    expect(ex).toMatchObject({ state: 'open', severity: 'warning' });
    const late = run([reading(15, 11)], { live: { TemperatureExcursion: ex }, evaluatedUntil: at(20) });
    expect(late.events.map((e) => `${e.status}:${e.severity}`)).toEqual(['resolved:warning', 'firing:critical']);
    expect(ex).toMatchObject({ state: 'open', severity: 'critical', peakC: 11, peakAt: at(15) });
    // Already critical: a second late critical reading changes nothing but the peak.
    expect(run([reading(16, 10.5)], { live: { TemperatureExcursion: ex }, evaluatedUntil: at(20) }).events).toEqual([]);
  });

  it('late readings raise the peak but never move the state', () => {
    const first = run([reading(0, 7), reading(10, 7)]);
    const ex = first.touched[0];
    const late = run([reading(5, 9.5), reading(2, 3)], { live: { TemperatureExcursion: ex }, evaluatedUntil: at(10) });
    expect(late.late).toBe(2);
    expect(late.events).toEqual([]);
    expect(ex).toMatchObject({ state: 'open', peakC: 9.5, peakAt: at(5) });
  });
});

describe('door, battery and offline rules', () => {
  it('fires DoorOpenTooLong after the limit and resolves when the door shuts', () => {
    const opened = run([reading(0, 4, { doorOpen: true }), reading(3, 4, { doorOpen: true }), reading(6, 4, { doorOpen: true })]);
    expect(opened.events.map((e) => `${e.excursion.kind}:${e.status}`)).toEqual(['DoorOpenTooLong:firing']);
    const door = opened.events[0].excursion;
    const shut = run([reading(7, 4, { doorOpen: false })], { live: { DoorOpenTooLong: door }, evaluatedUntil: at(6) });
    expect(shut.events.map((e) => `${e.excursion.kind}:${e.status}`)).toEqual(['DoorOpenTooLong:resolved']);
  });

  it('fires SensorBatteryLow below the threshold and clears with hysteresis', () => {
    const low = run([reading(0, 4, { batteryPct: 19 }), reading(1, 4, { batteryPct: 22 })]);
    expect(low.events.map((e) => `${e.excursion.kind}:${e.status}`)).toEqual(['SensorBatteryLow:firing']);
    const battery = low.events[0].excursion;
    const cleared = run([reading(2, 4, { batteryPct: 26 })], { live: { SensorBatteryLow: battery }, evaluatedUntil: at(1) });
    expect(cleared.events.map((e) => `${e.excursion.kind}:${e.status}`)).toEqual(['SensorBatteryLow:resolved']);
    expect(cleared.batteryPct).toBe(26);
  });

  it('a door left open and shut again within one backfill is alerted once, as retrospective', () => {
    const r = run([reading(0, 4, { doorOpen: true }), reading(6, 4, { doorOpen: true }), reading(7, 4, { doorOpen: false })]);
    expect(r.events.map((e) => `${e.excursion.kind}:${e.status}:${e.retrospective === true}`)).toEqual(['DoorOpenTooLong:firing:true']);
    expect(r.retrospective).toBe(1);
  });

  it('resolves SensorOffline when the sensor reports again', () => {
    const first = run([reading(0, 4)]);
    expect(first.events).toEqual([]);
    const offline = { ...first.touched[0], kind: 'SensorOffline' as const, state: 'open' as const, openedAt: at(0) };
    const r = run([reading(60, 4)], { live: { SensorOffline: offline } });
    expect(r.events.map((e) => `${e.excursion.kind}:${e.status}`)).toEqual(['SensorOffline:resolved']);
  });
});
