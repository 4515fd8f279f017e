import { coolingRule } from '../../../platform/contracts/food-safety-profiles';
import { CoolingMachine } from './cooling-machine';
import { evaluateSensor } from './evaluate-sensor';
import type { Excursion } from './excursion';
import { defaultThresholds } from './jurisdiction-profiles';
import { minuteClock } from './testing/readings';

const { at, reading } = minuteClock('2026-06-01T12:00:00Z', 'C1');
const rule = coolingRule('fda-2022');

/** run evaluates a cooling unit's readings, in one batch or continuing from `from`. */
function run(readings: [number, number][], from: { live?: Excursion; holding?: Excursion; until?: number } = {}) {
  return evaluateSensor({
    unitType: 'cooling',
    thresholds: defaultThresholds('fda-2022', 'cooling'),
    cooling: rule,
    timeZone: 'UTC',
    evaluatedUntil: from.until === undefined ? null : at(from.until),
    live: { ...(from.live ? { CoolingTooSlow: from.live } : {}), ...(from.holding ? { TemperatureExcursion: from.holding } : {}) },
    readings: readings.map(([min, c]) => reading(min, c)),
    settings: { doorOpenSeconds: 300, batteryLowPct: 20, batteryClearPct: 25 },
    now: at(10_000),
  });
}
const cycle = (r: ReturnType<typeof run>) => r.touched.find((e) => e.kind === 'CoolingTooSlow');

describe('two-stage cooling (Food Code 3-501.14)', () => {
  it('a cycle that meets both stages leaves nothing behind: no alert, no excursion, no holding breach', () => {
    // 60 °C → 20 °C at 1 h 50 → 4 °C at 5 h 30. Above the 5 °C holding limit for hours, legitimately.
    const r = run([[0, 60], [60, 35], [110, 20], [240, 9], [330, 4], [360, 3.5]]);
    expect(r.events).toEqual([]);
    expect(cycle(r)).toMatchObject({ state: 'closed', discarded: true });
    expect(r.touched.filter((e) => e.kind === 'TemperatureExcursion')).toEqual([]);
  });

  it('stage 1 missed: not at 21 °C two hours after the start fires a critical alert dated at the deadline', () => {
    const started = run([[0, 60], [60, 40]]);
    const live = cycle(started)!;
    expect(live).toMatchObject({ state: 'pending', limitC: 21, breachStartedAt: at(0), peakC: 60 });
    const late = run([[125, 23]], { live, until: 60 });
    expect(late.events.map((e) => `${e.excursion.kind}:${e.status}:${e.severity}`)).toEqual(['CoolingTooSlow:firing:critical']);
    expect(live).toMatchObject({ state: 'open', limitC: 21, openedAt: at(120), suggestedDisposition: 'discard' });
    // It stays open through 21 °C and resolves once the food is at the cold-holding limit.
    expect(run([[200, 15]], { live, until: 125 }).events).toEqual([]);
    const cold = run([[400, 5]], { live, until: 200 });
    expect(cold.events.map((e) => e.status)).toEqual(['resolved']);
    expect(live).toMatchObject({ state: 'closed', closedAt: at(400) });
  });

  it('stage 2 missed: past 21 °C in time but above the cold-holding limit six hours after the start', () => {
    const first = run([[0, 58], [90, 20]]);
    const live = cycle(first)!;
    expect(live).toMatchObject({ state: 'pending', limitC: 5 });
    const r = run([[300, 8], [361, 6]], { live, until: 90 });
    expect(r.events.map((e) => e.status)).toEqual(['firing']);
    expect(live).toMatchObject({ state: 'open', limitC: 5, openedAt: at(360) });
  });

  it('a reading past the deadline counts as missing it, even once cold: one retrospective alert', () => {
    // Sensor silent between the start and 2 h 10; by then the food is cold, but nobody saw it in time.
    const started = run([[0, 60]]);
    const live = cycle(started)!;
    const r = run([[130, 4]], { live, until: 0 });
    expect(r.events).toHaveLength(1);
    expect(r.events[0]).toMatchObject({ status: 'firing', retrospective: true });
    expect(live).toMatchObject({ state: 'closed', openedAt: at(120), closedAt: at(130) });
  });

  it('the sweep opens an overdue cycle without waiting for a reading, at the deadline of the stage in force', () => {
    const live = cycle(run([[0, 60], [30, 45]]))!;
    const quiet = new CoolingMachine(live, rule);
    quiet.sweep(at(119));
    expect(quiet.events).toEqual([]);
    quiet.sweep(at(121));
    expect(quiet.events.map((e) => `${e.status}:${e.severity}`)).toEqual(['firing:critical']);
    expect(live).toMatchObject({ state: 'open', limitC: 21, openedAt: at(120) });

    const stage2 = cycle(run([[0, 60], [90, 18]]))!;
    const later = new CoolingMachine(stage2, rule);
    later.sweep(at(300));
    expect(later.events).toEqual([]);
    later.sweep(at(361));
    expect(stage2).toMatchObject({ state: 'open', limitC: 5, openedAt: at(360) });
  });

  it('hot food again while cooling restarts the clock', () => {
    const r = run([[0, 60], [100, 30], [110, 70], [220, 20], [400, 5]]);
    expect(r.events).toEqual([]);
    expect(cycle(r)).toMatchObject({ discarded: true, breachStartedAt: at(110) });
  });

  it('outside a cycle the holding limits still apply to the cooling unit', () => {
    // Never hot: a chiller holding food warms to 9 °C for over its 2-hour delay.
    const r = run([[0, 4], [10, 9], [140, 9]]);
    expect(r.events.map((e) => `${e.excursion.kind}:${e.status}`)).toEqual(['TemperatureExcursion:firing']);
    // A late hot reading may have been a cooling cycle's start: it is not the holding excursion's peak.
    const holding = r.touched.find((e) => e.kind === 'TemperatureExcursion')!;
    const late = run([[60, 62]], { holding, until: 140 });
    expect(late.touched).toEqual([]);
    expect(holding.peakC).toBe(9);
  });
});
