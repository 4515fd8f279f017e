import { createHash, randomBytes } from 'node:crypto';

/**
 * Device keys authenticate sensors and gateways to ingest. The control plane issues them and
 * ingest verifies them; both import this module so the format cannot drift apart.
 *
 * Format: `ftk_` + 43 characters of base64url (32 random bytes). Only SHA-256(key) is stored
 * (device_keys.key_hash): a 256-bit random key cannot be brute-forced through a fast hash,
 * so no slow KDF is needed on the hot ingest path. `prefix` (first 12 characters) is kept in
 * clear so people can recognise a key in lists.
 */
export const DEVICE_KEY_PREFIX = 'ftk_';
const DEVICE_KEY_PATTERN = /^ftk_[A-Za-z0-9_-]{43}$/;

export interface GeneratedDeviceKey {
  /** The key itself: shown once to the operator, never stored. */
  key: string;
  keyHash: Buffer;
  prefix: string;
}

/** generateDeviceKey makes a new random key with its stored hash and display prefix. */
export function generateDeviceKey(): GeneratedDeviceKey {
  const key = DEVICE_KEY_PREFIX + randomBytes(32).toString('base64url');
  return { key, keyHash: hashDeviceKey(key), prefix: deviceKeyPrefix(key) };
}

/** hashDeviceKey is the value stored in (and looked up by) device_keys.key_hash. */
export function hashDeviceKey(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

/** deviceKeyPrefix is the part of a key kept in clear for display. */
export function deviceKeyPrefix(key: string): string {
  return key.slice(0, 12);
}

/** isWellFormedDeviceKey rejects anything that cannot be a key before touching the database. */
export function isWellFormedDeviceKey(key: string): boolean {
  return DEVICE_KEY_PATTERN.test(key);
}
