import { RFC3339, rfc3339Millis } from './rfc3339';

/** mulberry32: a small seeded generator, so a failure names a case that can be rerun. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** A timestamp whose every field is in range, in one of the spellings RFC3339 admits. */
function validStamp(next: () => number): string {
  const int = (below: number) => Math.floor(next() * below);
  const year = next() < 0.05 ? int(100) : 1000 + int(9000);
  const month = 1 + int(12);
  const monthDays = new Date(Date.UTC(2000, month, 0)).getUTCDate(); // February of a leap year: 29
  const day = 1 + int(month === 2 && (year % 4 !== 0 || (year % 100 === 0 && year % 400 !== 0)) ? 28 : monthDays);
  // Date reads the space-separated form with its legacy parser, which refuses years below 100
  // (retention refuses them anyway); the test leaves that one disagreement out.
  const separator = ['T', 't', ' '][int(year < 100 ? 2 : 3)];
  const fraction = next() < 0.3 ? '' : `.${Array.from({ length: 1 + int(9) }, () => int(10)).join('')}`;
  const offset = next() < 0.3 ? ['Z', 'z'][int(2)] : `${next() < 0.5 ? '+' : '-'}${pad(int(24), 2)}:${pad(int(60), 2)}`;
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}${separator}${pad(int(24), 2)}:${pad(int(60), 2)}:${pad(int(60), 2)}${fraction}${offset}`;
}

describe('rfc3339Millis', () => {
  it('agrees with Date on 20,000 timestamps whose fields are in range', () => {
    const next = random(20261126);
    for (let i = 0; i < 20_000; i++) {
      const stamp = validStamp(next);
      expect(RFC3339.test(stamp)).toBe(true);
      const millis = rfc3339Millis(stamp);
      if (millis !== new Date(stamp).getTime()) throw new Error(`${stamp}: ${millis} against Date's ${new Date(stamp).getTime()}`);
    }
  });

  it.each([
    ['2026-06-01T11:00:00+02:00', '2026-06-01T09:00:00.000Z'],
    ['2026-06-01t11:00:00.5z', '2026-06-01T11:00:00.500Z'],
    ['2026-06-01 11:00:00.123456789-00:30', '2026-06-01T11:30:00.123Z'],
    ['2028-02-29T00:00:00Z', '2028-02-29T00:00:00.000Z'],
    ['2000-02-29T23:59:59.999Z', '2000-02-29T23:59:59.999Z'],
    ['0099-12-31T23:59:59Z', '0099-12-31T23:59:59.000Z'],
  ])('reads %s as %s', (stamp, iso) => {
    expect(new Date(rfc3339Millis(stamp)).toISOString()).toBe(iso);
  });

  // Date moves a day past its month's end into the next month, and 24:00 into the next day:
  // a reading stored under another instant than its device recorded.
  it.each(['2026-04-31T00:00:00Z', '2026-02-29T08:00:00Z', '2100-02-29T00:00:00Z', '2026-06-01T24:00:00Z'])('refuses %s, which Date would move to another day', (stamp) => {
    expect(Number.isNaN(new Date(stamp).getTime())).toBe(false);
    expect(rfc3339Millis(stamp)).toBeNaN();
  });

  it.each(['2026-13-01T00:00:00Z', '2026-00-10T00:00:00Z', '2026-01-00T00:00:00Z', '2026-01-01T00:60:00Z', '2026-12-31T23:59:60Z', '2026-01-01T00:00:00+24:00', '2026-01-01T00:00:00-23:60'])(
    'refuses %s, as Date does',
    (stamp) => {
      expect(new Date(stamp).getTime()).toBeNaN();
      expect(rfc3339Millis(stamp)).toBeNaN();
    },
  );
});
