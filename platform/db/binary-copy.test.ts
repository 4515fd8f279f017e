import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { from as copyFrom } from 'pg-copy-streams';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/postgres';
import { BinaryCopyWriter } from './binary-copy';

describe('BinaryCopyWriter on real PostgreSQL', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase({ migrated: false });
    await db.pool.query('CREATE TABLE copied (id uuid, at timestamptz, d float8, r real, b boolean)');
  });
  afterAll(async () => {
    await db.drop();
  });

  test('every type, NULLs, instants before and after 2000, and a body that outgrows its first buffer', async () => {
    const rows = [
      { id: '0b7c1c9e-7c0e-4a52-9a43-5d0d4e1f2a3b', at: new Date('2026-11-26T03:04:05.678Z'), d: -18.25, r: 55.5, b: true },
      { id: 'FFFFFFFF-0000-4000-8000-000000000001', at: new Date('1999-12-31T23:59:59.999Z'), d: 0, r: null, b: false },
      { id: '00000000-0000-0000-0000-000000000000', at: new Date('1970-01-01T00:00:00.001Z'), d: 1e-7, r: -0.5, b: null },
      ...Array.from({ length: 200 }, (_, i) => ({ id: '11111111-2222-4333-8444-555555555555', at: new Date(Date.UTC(2100, 0, 1) + i), d: i / 3, r: i, b: i % 2 === 0 })),
    ];
    const body = new BinaryCopyWriter(1, 16); // far too small: it must grow
    for (const row of rows) body.row(5).uuid(row.id).timestamptz(row.at).float8(row.d).float4(row.r).bool(row.b);
    const client = await db.pool.connect();
    try {
      await pipeline(Readable.from([body.finish()]), client.query(copyFrom('COPY copied (id, at, d, r, b) FROM STDIN WITH (FORMAT binary)')));
    } finally {
      client.release();
    }
    const { rows: stored } = await db.pool.query('SELECT id, at, d, r, b FROM copied ORDER BY at');
    const expected = [...rows].sort((x, y) => x.at.getTime() - y.at.getTime()).map((row) => ({ ...row, id: row.id.toLowerCase() }));
    expect(stored).toEqual(expected);
  });

  test('a value that is not a uuid is refused before anything is sent', () => {
    expect(() => new BinaryCopyWriter(1).row(1).uuid('not-a-uuid')).toThrow(/not a uuid/);
  });
});
