import { api, localTokens, startControlPlaneUnderTest, type ControlPlaneUnderTest, type TokenFactory } from './control-plane-harness';

// Real processes on a shared 2-core machine: generous time for start-up and each test.
jest.setTimeout(150_000);

describe('hash-chained audit log', () => {
  let cp: ControlPlaneUnderTest;
  let token: TokenFactory;
  let orgId: string;
  let otherOrgId: string;

  beforeAll(async () => {
    cp = await startControlPlaneUnderTest();
    orgId = (await cp.db.pool.query(`INSERT INTO organizations (slug, name) VALUES ('chain', 'Chain') RETURNING id`)).rows[0].id;
    otherOrgId = (await cp.db.pool.query(`INSERT INTO organizations (slug, name) VALUES ('other', 'Other') RETURNING id`)).rows[0].id;
    token = await localTokens(cp.db);
  });
  afterAll(() => cp?.stop());

  test('concurrent changes from two organizations form two intact chains', async () => {
    const admin = token(orgId, 'admin');
    const other = token(otherOrgId, 'admin');
    await Promise.all(
      Array.from({ length: 12 }, (_, i) => api(cp.url, 'post', '/v1/sites', i % 2 ? admin : other, { name: `site ${i}` })),
    );
    const site = await api(cp.url, 'post', '/v1/sites', admin, { name: 'Original name' });
    await api(cp.url, 'patch', `/v1/sites/${site.json.id}`, admin, { name: 'New name' });
    const verdict = await api(cp.url, 'get', '/v1/audit/audit-log/verify', token(orgId, 'auditor'));
    expect(verdict.json).toMatchObject({ valid: true, checked: 8 });
    expect((await api(cp.url, 'get', '/v1/audit/audit-log/verify', other)).json).toMatchObject({ valid: true, checked: 6 });
    const log = await api(cp.url, 'get', '/v1/audit/audit-log?entityType=site&limit=1', admin);
    expect(log.json.items[0]).toMatchObject({ action: 'update', before: { name: 'Original name' }, after: { name: 'New name' } });
    expect(log.json.items[0].actor).toMatch(/^user:admin/);
  });

  test('the table refuses updates and deletes (append-only trigger)', async () => {
    await expect(cp.db.pool.query(`UPDATE audit_log SET actor = 'mallory' WHERE org_id = $1`, [orgId])).rejects.toThrow(/append-only/);
    await expect(cp.db.pool.query(`DELETE FROM audit_log WHERE org_id = $1`, [orgId])).rejects.toThrow(/append-only/);
  });

  test('a row edited by a superuser with the trigger disabled is detected', async () => {
    const { rows } = await cp.db.pool.query(`SELECT seq::text AS seq FROM audit_log WHERE org_id = $1 ORDER BY audit_log.seq LIMIT 1 OFFSET 2`, [orgId]);
    const client = await cp.db.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update');
      await client.query(`UPDATE audit_log SET after = jsonb_set(after, '{name}', '"tampered"') WHERE seq = $1`, [rows[0].seq]);
      await client.query('ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update');
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    const verdict = await api(cp.url, 'get', '/v1/audit/audit-log/verify', token(orgId, 'auditor'));
    expect(verdict.json).toEqual({ valid: false, checked: 2, brokenAtSeq: rows[0].seq, reason: 'row content does not match its hash' });
    // The other organization's chain is untouched and still verifies.
    expect((await api(cp.url, 'get', '/v1/audit/audit-log/verify', token(otherOrgId, 'admin'))).json.valid).toBe(true);
  });

  test('a deleted row breaks the link of the row after it', async () => {
    const { rows } = await cp.db.pool.query(`SELECT seq::text AS seq FROM audit_log WHERE org_id = $1 ORDER BY audit_log.seq`, [otherOrgId]);
    const client = await cp.db.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update');
      await client.query('DELETE FROM audit_log WHERE seq = $1', [rows[3].seq]);
      await client.query('ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update');
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    const verdict = await api(cp.url, 'get', '/v1/audit/audit-log/verify', token(otherOrgId, 'admin'));
    expect(verdict.json).toMatchObject({ valid: false, brokenAtSeq: rows[4].seq, reason: 'prev_hash does not match the previous row' });
  });
});
