/**
 * Alertmanager's Alert.Merge (issue 4): the younger update wins, the earlier start is kept
 * with the form it was posted in, and times equal to the millisecond are compared to the
 * nanosecond, as Go's time.Before does.
 */
import type { TimeForm } from '../types/go-time';
import { mergeAlerts, type StoredAlert } from './alert-store';

const NOW = new Date('2026-11-25T21:00:00Z');

function alert(updatedAt: string, startsAt: string, endsAt: string, posted?: { startsAt: TimeForm; endsAt: TimeForm }): StoredAlert {
  return {
    labels: { alertname: 'Merge' },
    annotations: { updated: updatedAt },
    startsAt: new Date(startsAt),
    endsAt: new Date(endsAt),
    generatorURL: '',
    updatedAt: new Date(updatedAt),
    fingerprint: 'f',
    timeout: false,
    ...(posted ? { posted } : {}),
  };
}

const utc = (subMsNanos = 0): TimeForm => ({ offsetMinutes: 0, subMsNanos });

describe('mergeAlerts', () => {
  test('keeps the older start with the offset it was posted in, and the newer annotations', () => {
    const older = alert('2026-11-25T20:00:00Z', '2026-11-25T19:00:00Z', '2026-11-25T22:00:00Z', { startsAt: { offsetMinutes: 120, subMsNanos: 5 }, endsAt: utc() });
    const newer = alert('2026-11-25T20:30:00Z', '2026-11-25T20:30:00Z', '2026-11-25T23:00:00Z');
    const merged = mergeAlerts(older, newer, NOW);
    expect(merged.startsAt).toBe(older.startsAt);
    expect(merged.endsAt).toBe(newer.endsAt);
    expect(merged.annotations).toEqual(newer.annotations);
    expect(merged.posted).toEqual({ startsAt: { offsetMinutes: 120, subMsNanos: 5 }, endsAt: utc() });
  });

  test('starts equal to the millisecond: the one earlier by nanoseconds is kept', () => {
    const older = alert('2026-11-25T20:00:00Z', '2026-11-25T19:00:00.123Z', '2026-11-25T22:00:00Z', { startsAt: utc(100), endsAt: utc() });
    const newer = alert('2026-11-25T20:30:00Z', '2026-11-25T19:00:00.123Z', '2026-11-25T22:00:00Z', { startsAt: utc(900), endsAt: utc() });
    expect(mergeAlerts(older, newer, NOW).posted?.startsAt).toEqual(utc(100));
    expect(mergeAlerts(newer, older, NOW).posted?.startsAt).toEqual(utc(100));
  });

  test('the newer update, in plain UTC milliseconds, drops the older form when both times come from it', () => {
    const older = alert('2026-11-25T20:00:00Z', '2026-11-25T20:10:00Z', '2026-11-25T22:00:00Z', { startsAt: { offsetMinutes: 60, subMsNanos: 0 }, endsAt: utc() });
    const newer = alert('2026-11-25T20:30:00Z', '2026-11-25T20:00:00Z', '2026-11-25T23:00:00Z');
    expect(mergeAlerts(older, newer, NOW).posted).toBeUndefined();
  });
});
