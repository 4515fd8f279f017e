import { generateDeviceKey } from '../../../platform/contracts/device-key';
import { query, queryOne, type Queryable } from './queryable';

type Row = Record<string, unknown>;

const KEY = `id, name, prefix, created_by AS "createdBy", created_at AS "createdAt", last_used_at AS "lastUsedAt", revoked_at AS "revokedAt"`;

/** DeviceKeyStore issues, lists and revokes one organization's ingest keys (hash stored, key shown once). */
export class DeviceKeyStore {
  constructor(
    private readonly db: Queryable,
    private readonly orgId: string,
  ) {}

  list(): Promise<Row[]> {
    return query(this.db, `SELECT ${KEY} FROM device_keys WHERE org_id = $1 ORDER BY created_at DESC`, [this.orgId]);
  }

  /** issue returns the stored row and, separately, the key itself (never stored, never logged). */
  async issue(name: string, createdBy: string): Promise<{ row: Row; key: string }> {
    const generated = generateDeviceKey();
    const row = await queryOne(
      this.db,
      `INSERT INTO device_keys (org_id, name, prefix, key_hash, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING ${KEY}`,
      [this.orgId, name, generated.prefix, generated.keyHash, createdBy],
      'device key',
    );
    return { row, key: generated.key };
  }

  get(id: string): Promise<Row> {
    return queryOne(this.db, `SELECT ${KEY} FROM device_keys WHERE org_id = $1 AND id = $2`, [this.orgId, id], 'device key');
  }

  revoke(id: string): Promise<Row> {
    return queryOne(this.db, `UPDATE device_keys SET revoked_at = COALESCE(revoked_at, now()) WHERE org_id = $1 AND id = $2 RETURNING ${KEY}`, [this.orgId, id], 'device key');
  }
}
