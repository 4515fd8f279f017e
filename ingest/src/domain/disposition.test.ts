import { suggestDisposition, tphcBudgetSeconds } from './disposition';
import { defaultThresholds } from './jurisdiction-profiles';
import { isSuppressed, parseSuppressionWindows } from './suppression-windows';
import { buildAlert } from './build-alert';
import { newExcursion } from './excursion';

describe('TPHC disposition', () => {
  it('gives cold food that never passed 70 °F six hours, otherwise four', () => {
    expect(tphcBudgetSeconds('fridge', 'high', 15)).toBe(6 * 3600);
    expect(tphcBudgetSeconds('fridge', 'high', 22)).toBe(4 * 3600);
    expect(tphcBudgetSeconds('hot-holding', 'low', 50)).toBe(4 * 3600);
  });
  it('maps time beyond the limit to keep / use-now / discard', () => {
    expect(suggestDisposition('fridge', 'high', 22, 3600)).toBe('keep');
    expect(suggestDisposition('fridge', 'high', 22, 3 * 3600)).toBe('use-now');
    expect(suggestDisposition('fridge', 'high', 22, 4 * 3600)).toBe('discard');
    expect(suggestDisposition('fridge', 'high', 15, 4 * 3600)).toBe('use-now');
    expect(suggestDisposition('freezer', 'high', -5, 10 * 3600)).toBe('keep');
  });
});

describe('jurisdiction profiles', () => {
  it('encode the Food Code, legacy and UK limits', () => {
    expect(defaultThresholds('fda-2022', 'fridge').maxWarningC).toBe(5);
    expect(defaultThresholds('fda-legacy-45f', 'fridge').maxWarningC).toBe(7.2);
    expect(defaultThresholds('uk', 'fridge').maxWarningC).toBe(8);
    expect(defaultThresholds('fda-2022', 'hot-holding').minWarningC).toBe(57);
    expect(defaultThresholds('fda-2022', 'freezer').maxWarningC).toBe(-18);
    expect(defaultThresholds('nowhere', 'fridge').maxWarningC).toBe(5);
  });
});

describe('suppression windows', () => {
  it('parses cron and fixed windows and names bad fields', () => {
    expect(parseSuppressionWindows([{ cron: '0 2 * * *', duration_minutes: 20 }])).toEqual({ windows: [{ cron: '0 2 * * *', durationMinutes: 20 }] });
    expect(parseSuppressionWindows([{ cron: '61 * * * *', duration_minutes: 20 }])).toEqual({ error: expect.stringMatching(/^suppression_windows\[0\]\.cron/) });
    expect(parseSuppressionWindows([{ cron: '0 2 * * *', duration_minutes: 0 }])).toEqual({ error: expect.stringMatching(/duration_minutes/) });
    expect(parseSuppressionWindows([{ start: '2026-01-02T00:00:00Z', end: '2026-01-01T00:00:00Z' }])).toEqual({ error: expect.stringMatching(/end/) });
  });
  it('matches cron windows in the site time zone', () => {
    const w = [{ cron: '0 2 * * *', durationMinutes: 30 }];
    expect(isSuppressed(new Date('2026-06-01T02:29:00Z'), w)).toBe(true);
    expect(isSuppressed(new Date('2026-06-01T02:30:00Z'), w)).toBe(false);
    // 02:10 in New York (EDT, UTC−4) is 06:10 UTC.
    expect(isSuppressed(new Date('2026-06-01T06:10:00Z'), w, 'America/New_York')).toBe(true);
    expect(isSuppressed(new Date('2026-06-01T02:10:00Z'), w, 'America/New_York')).toBe(false);
  });
  it('matches fixed windows', () => {
    const w = [{ start: new Date('2026-06-01T10:00:00Z'), end: new Date('2026-06-01T11:00:00Z') }];
    expect(isSuppressed(new Date('2026-06-01T10:30:00Z'), w)).toBe(true);
    expect(isSuppressed(new Date('2026-06-01T11:00:00Z'), w)).toBe(false);
  });
});

describe('buildAlert', () => {
  const ctx = { orgSlug: 'demo', siteName: 'Main St', unitName: 'Walk-in', unitType: 'fridge' as const, sensorExternalId: 'S1', unitId: 'u-1' };
  const links = { runbookBaseUrl: 'https://runbooks.example/food.md', dashboardUrl: 'https://grafana.example/d/food-safety' };
  const ex = newExcursion('TemperatureExcursion', new Date('2026-06-01T10:00:00Z'), {
    direction: 'high',
    limitC: 5,
    peakC: 9.2,
    peakAt: new Date('2026-06-01T10:20:00Z'),
    lastTemperatureC: 9.2,
    state: 'open',
    openedAt: new Date('2026-06-01T10:30:00Z'),
    suggestedDisposition: 'keep',
  });
  it('labels the alert for routing and explains it in °C and °F', () => {
    const a = buildAlert({ status: 'firing', excursion: ex, severity: 'warning' }, ctx, links);
    expect(a.labels).toEqual({ alertname: 'TemperatureExcursion', category: 'food-safety', severity: 'warning', org: 'demo', site: 'Main St', unit: 'Walk-in', sensor: 'S1' });
    expect(a.annotations.summary).toContain('9.2 °C (48.6 °F)');
    expect(a.annotations.summary).toContain('5.0 °C (41.0 °F)');
    expect(a.annotations.runbook_url).toBe('https://runbooks.example/food.md#temperatureexcursion');
    expect(a.annotations.dashboard).toBe('https://grafana.example/d/food-safety?var-org=demo');
    expect(a.annotations.suggested_disposition).toBe('keep');
    expect(a.startsAt).toBe('2026-06-01T10:30:00.000Z');
    expect(a.endsAt).toBeUndefined();
  });
  it('gives a resolved alert its endsAt', () => {
    const closed = { ...ex, state: 'closed' as const, closedAt: new Date('2026-06-01T11:00:00Z') };
    expect(buildAlert({ status: 'resolved', excursion: closed, severity: 'warning' }, ctx, links).endsAt).toBe('2026-06-01T11:00:00.000Z');
  });
  it('marks an excursion found after it ended: its own label, when it ended, no endsAt of its own', () => {
    const closed = { ...ex, state: 'closed' as const, closedAt: new Date('2026-06-01T11:00:00Z') };
    const a = buildAlert({ status: 'firing', excursion: closed, severity: 'warning', retrospective: true }, ctx, links);
    expect(a.labels).toMatchObject({ alertname: 'TemperatureExcursion', retrospective: 'true', sensor: 'S1' });
    expect(a.annotations.ended).toBe('2026-06-01T11:00:00.000Z');
    expect(a.annotations.summary).toBe(
      'Walk-in (Main St) was above the 5.0 °C (41.0 °F) limit from 2026-06-01T10:00:00.000Z, peak 9.2 °C (48.6 °F); back to normal at 2026-06-01T11:00:00.000Z, found after it ended',
    );
    expect(a.startsAt).toBe('2026-06-01T10:30:00.000Z');
    // The outbox stamps endsAt when it sends: the router notifies it, then resolves it itself.
    expect(a.endsAt).toBeUndefined();
  });
});
