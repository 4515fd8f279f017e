import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import type { Pool } from '../../../platform/db/pool';
import { withTransaction } from '../../../platform/db/pool';
import type { Role } from '../domain/roles';

const ALGORITHM = 'ES256';
/** Serialises key creation between replicas starting together. */
const SIGNING_KEY_LOCK = 7_241_908_200;

export interface SigningKey {
  kid: string;
  privateJwk: JWK;
  publicJwk: JWK;
}

/**
 * ensureSigningKey returns the local issuer's signing key, creating it on first use. The key
 * is stored in the database (not on disk) so every replica signs and verifies alike.
 */
export async function ensureSigningKey(pool: Pool): Promise<SigningKey> {
  return withTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [SIGNING_KEY_LOCK]);
    const existing = await client.query<{ kid: string; private_jwk: JWK; public_jwk: JWK }>(
      'SELECT kid, private_jwk, public_jwk FROM control_plane_signing_keys ORDER BY created_at DESC LIMIT 1',
    );
    if (existing.rows[0]) {
      const r = existing.rows[0];
      return { kid: r.kid, privateJwk: r.private_jwk, publicJwk: r.public_jwk };
    }
    const { privateKey, publicKey } = await generateKeyPair(ALGORITHM, { extractable: true });
    const kid = randomUUID();
    const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: ALGORITHM, use: 'sig' };
    const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: ALGORITHM, use: 'sig' };
    await client.query('INSERT INTO control_plane_signing_keys (kid, algorithm, private_jwk, public_jwk) VALUES ($1, $2, $3, $4)', [
      kid,
      ALGORITHM,
      privateJwk,
      publicJwk,
    ]);
    return { kid, privateJwk, publicJwk };
  });
}

/** publicJwks lists every stored public key (older keys stay valid for tokens already issued). */
export async function publicJwks(pool: Pool): Promise<{ keys: JWK[] }> {
  const { rows } = await pool.query<{ public_jwk: JWK }>('SELECT public_jwk FROM control_plane_signing_keys ORDER BY created_at DESC');
  return { keys: rows.map((r) => r.public_jwk) };
}

export interface MintOptions {
  issuer: string;
  audience: string;
  subject: string;
  name?: string;
  orgId: string;
  role: Role;
  ttlSeconds: number;
  claims: { org: string; role: string; name: string };
}

/** mintToken signs a token with the claim names the verifier is configured to read. */
export async function mintToken(key: SigningKey, opts: MintOptions): Promise<string> {
  const privateKey = await importJWK(key.privateJwk, ALGORITHM);
  return new SignJWT({ [opts.claims.org]: opts.orgId, [opts.claims.role]: opts.role, [opts.claims.name]: opts.name ?? opts.subject })
    .setProtectedHeader({ alg: ALGORITHM, kid: key.kid, typ: 'JWT' })
    .setIssuer(opts.issuer)
    .setAudience(opts.audience)
    .setSubject(opts.subject)
    .setIssuedAt()
    .setExpirationTime(`${opts.ttlSeconds}s`)
    .sign(privateKey);
}
