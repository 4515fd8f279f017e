import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';
import type { Pool } from '../../../platform/db/pool';
import type { ControlPlaneConfig } from '../config/control-plane-config';
import { publicJwks } from './local-issuer';

export type TokenCheck = { ok: true; payload: JWTPayload } | { ok: false; reason: string };

export type JwtVerifier = (token: string) => Promise<TokenCheck>;

/** Only asymmetric algorithms: an HS256 token signed with a public key must never verify. */
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

/**
 * createJwtVerifier checks signature, issuer, audience and expiry. With an external IdP it
 * uses jose's remote JWKS set (cached, refetched on an unknown `kid`, so key rotation needs
 * no restart); otherwise the local issuer's keys from the database, reloaded on unknown kid.
 */
export function createJwtVerifier(config: ControlPlaneConfig, pool: Pool): JwtVerifier {
  const options = { issuer: config.issuer, audience: config.audience, algorithms: ALGORITHMS, clockTolerance: 30 };
  let keys: ((...args: Parameters<ReturnType<typeof createLocalJWKSet>>) => ReturnType<ReturnType<typeof createLocalJWKSet>>) | undefined;
  if (config.jwksUrl) {
    keys = createRemoteJWKSet(new URL(config.jwksUrl), { cacheMaxAge: 10 * 60_000, cooldownDuration: 30_000, timeoutDuration: 5_000 });
  }
  let local: ReturnType<typeof createLocalJWKSet> | undefined;
  const loadLocal = async () => (local = createLocalJWKSet(await publicJwks(pool)));

  return async (token) => {
    try {
      if (keys) return { ok: true, payload: (await jwtVerify(token, keys, options)).payload };
      local ??= await loadLocal();
      try {
        return { ok: true, payload: (await jwtVerify(token, local, options)).payload };
      } catch (err) {
        if (!(err instanceof errors.JWKSNoMatchingKey)) throw err;
        return { ok: true, payload: (await jwtVerify(token, await loadLocal(), options)).payload };
      }
    } catch (err) {
      return { ok: false, reason: describe(err) };
    }
  };
}

function describe(err: unknown): string {
  if (err instanceof errors.JWTExpired) return 'token expired';
  if (err instanceof errors.JWTClaimValidationFailed) return `token claim "${err.claim}" is not acceptable`;
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'token signature is invalid';
  if (err instanceof errors.JWKSNoMatchingKey) return 'token signed by an unknown key';
  if (err instanceof errors.JOSEAlgNotAllowed) return 'token algorithm not allowed';
  if (err instanceof errors.JWKSTimeout || err instanceof errors.JWKSInvalid) return 'identity provider keys unavailable';
  if (err instanceof errors.JOSEError) return 'token is malformed';
  return 'token could not be verified';
}
