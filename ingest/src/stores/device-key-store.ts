import type { Pool, PoolClient } from '../../../platform/db/pool';

export interface DeviceKeyRecord {
  id: string;
  orgId: string;
  orgSlug: string;
  revoked: boolean;
}

/** findDeviceKey looks a key up by its SHA-256 (the key itself never reaches the database). */
export async function findDeviceKey(pool: Pool, keyHash: Buffer): Promise<DeviceKeyRecord | null> {
  const { rows } = await pool.query<{ id: string; org_id: string; slug: string; revoked: boolean }>(
    `SELECT k.id, k.org_id, o.slug, k.revoked_at IS NOT NULL AND k.revoked_at <= now() AS revoked
     FROM device_keys k JOIN organizations o ON o.id = k.org_id WHERE k.key_hash = $1`,
    [keyHash],
  );
  const r = rows[0];
  return r ? { id: r.id, orgId: r.org_id, orgSlug: r.slug, revoked: r.revoked } : null;
}

/** touchDeviceKey records last use, at most once a minute per key (no write per request). */
export async function touchDeviceKey(client: PoolClient, keyId: string): Promise<void> {
  await client.query(
    `UPDATE device_keys SET last_used_at = now()
     WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`,
    [keyId],
  );
}

/** activeDeviceKeyIds: which of these keys exist and are not revoked, as of this transaction. */
export async function activeDeviceKeyIds(client: PoolClient, keyIds: string[]): Promise<Set<string>> {
  const { rows } = await client.query<{ id: string }>(
    'SELECT id FROM device_keys WHERE id = ANY($1::uuid[]) AND (revoked_at IS NULL OR revoked_at > now())',
    [keyIds],
  );
  return new Set(rows.map((r) => r.id));
}
