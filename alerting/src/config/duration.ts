import { ConfigFileError } from './config-file-error';

const UNITS: [string, number][] = [
  ['y', 365 * 24 * 3600_000],
  ['w', 7 * 24 * 3600_000],
  ['d', 24 * 3600_000],
  ['h', 3600_000],
  ['m', 60_000],
  ['s', 1000],
  ['ms', 1],
];
const DURATION_RE = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;

/** parseDuration reads Prometheus duration syntax (`1h30m`, `2500ms`, `1d`) into milliseconds. */
export function parseDuration(text: string, field: string): number {
  if (text === '') throw new ConfigFileError(field, 'empty duration string');
  if (text === '0') return 0;
  const m = DURATION_RE.exec(text);
  if (!m) throw new ConfigFileError(field, `not a valid duration string: "${text}"`);
  return UNITS.reduce((sum, [, ms], i) => sum + (m[i + 1] ? Number(m[i + 1]) * ms : 0), 0);
}

/** formatDuration prints milliseconds the way Prometheus' model.Duration does (`1h30m`, `0s`). */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = ms;
  let out = '';
  for (const [unit, size] of UNITS) {
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * size;
    }
  }
  return out;
}
