import type { DeviceKeyRecord } from '../stores/device-key-store';

/**
 * DeviceKeyCache remembers valid device keys (by their hash) for a few seconds, so a gateway
 * posting every second does not cost a database round trip per request just to
 * authenticate. Revocation still takes effect at once: the write transaction only resolves
 * sensors through keys that are not revoked (ingest_begin_write). Unknown and revoked keys
 * are never cached, so a key issued a moment ago works on its first request.
 */
export class DeviceKeyCache {
  private readonly entries = new Map<string, { key: DeviceKeyRecord; expiresAt: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 50_000,
  ) {}

  async get(keyHash: Buffer, load: () => Promise<DeviceKeyRecord | null>): Promise<DeviceKeyRecord | null> {
    const id = keyHash.toString('base64');
    const hit = this.entries.get(id);
    const now = Date.now();
    if (hit && hit.expiresAt > now) return hit.key;
    const key = await load();
    if (key && !key.revoked && this.ttlMs > 0) {
      if (this.entries.size >= this.maxEntries) this.entries.clear();
      this.entries.set(id, { key, expiresAt: now + this.ttlMs });
    } else {
      this.entries.delete(id);
    }
    return key;
  }
}
