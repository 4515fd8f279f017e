import { auditHash, canonicalJson, GENESIS_HASH, verifyChain, type ChainRow } from './audit-hash';
import { identityFromClaims } from './claims';
import { transitionProblem } from './corrective-action';
import { toCsv } from './csv';
import { decodeCursor, encodeCursor } from './cursor';
import { bucketSeconds } from './downsampling';
import { temperatureChartSvg } from './temperature-chart';

describe('audit hash chain', () => {
  const rec = (seq: string, after: unknown) => ({ seq, orgId: 'o', occurredAt: '2026-01-01T00:00:00.000Z', actor: 'a', action: 'create', entityType: 'site', entityId: '1', before: null, after });
  const chain = (records: ReturnType<typeof rec>[]): ChainRow[] => {
    let prev = GENESIS_HASH;
    return records.map((r) => {
      const hash = auditHash(prev, r);
      const row = { ...r, prevHash: prev, hash };
      prev = hash;
      return row;
    });
  };

  test('canonical JSON ignores key order at every depth', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"y":2,"z":1}]},"b":1}');
  });

  test('verifies an intact chain and pinpoints an edit', () => {
    const rows = chain([rec('1', { n: 1 }), rec('2', { n: 2 }), rec('3', { n: 3 })]);
    expect(verifyChain(rows)).toMatchObject({ valid: true, checked: 3 });
    rows[1].after = { n: 20 };
    expect(verifyChain(rows)).toEqual({ valid: false, checked: 1, brokenAtSeq: '2', reason: 'row content does not match its hash' });
  });
});

describe('claims', () => {
  test('nested paths, role lists and unknown roles', () => {
    const id = identityFromClaims({ sub: 'u1', 'https://x/org': 'acme', app: { roles: 'auditor other' } }, { org: 'https://x/org', role: 'app.roles', name: 'name' });
    expect(id).toEqual({ subject: 'u1', org: 'acme', roles: ['auditor'], name: 'u1' });
    expect(identityFromClaims({ sub: 'u1' }, { org: 'org', role: 'role', name: 'name' })).toEqual({ missing: 'org' });
  });
});

describe('corrective action transitions', () => {
  test('complete once, verify by another person', () => {
    expect(transitionProblem({ state: 'open', completedBy: null }, 'completed', 'a')).toBeUndefined();
    expect(transitionProblem({ state: 'open', completedBy: null }, 'verified', 'b')).toMatch(/completed before/);
    expect(transitionProblem({ state: 'completed', completedBy: 'a' }, 'verified', 'a')).toMatch(/different person/);
    expect(transitionProblem({ state: 'completed', completedBy: 'a' }, 'verified', 'b')).toBeUndefined();
  });
});

describe('csv, cursors, downsampling, chart', () => {
  test('csv quotes separators and defuses formulas', () => {
    expect(toCsv([{ header: 'a', value: (r: { a: unknown }) => r.a }], [{ a: 'x,"y"' }, { a: '=HYPERLINK("evil")' }, { a: null }])).toBe('a\r\n"x,""y"""\r\n"\'=HYPERLINK(""evil"")"\r\n\r\n');
  });

  test('cursors round-trip and reject foreign input', () => {
    expect(decodeCursor(encodeCursor({ key: 'k', id: 'i' }))).toEqual({ key: 'k', id: 'i' });
    expect(decodeCursor('nonsense')).toBeUndefined();
  });

  test('raw for short ranges, round buckets under maxPoints for long ones', () => {
    const from = new Date('2026-01-01T00:00:00Z');
    expect(bucketSeconds(from, new Date('2026-01-01T06:00:00Z'), 1000, 60)).toBeNull();
    expect(bucketSeconds(from, new Date('2026-01-31T00:00:00Z'), 1000, 60)).toBe(3600);
  });

  test('the chart draws the band, the line and the limit', () => {
    const from = new Date('2026-01-01T00:00:00Z');
    const svg = temperatureChartSvg([{ at: from, avgC: 3, minC: 2, maxC: 4 }, { at: new Date('2026-01-01T01:00:00Z'), avgC: 6, minC: 5, maxC: 7 }], { maxWarningC: 5, minWarningC: null }, from, new Date('2026-01-01T01:00:00Z'));
    expect(svg).toContain('<polyline');
    expect(svg).toContain('max 5°C');
  });
});
