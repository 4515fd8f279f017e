import { createPrivateKey, sign } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/postgres';
import { freePort, startFreshtrack, waitFor, type RunningProcess } from '../../test/helpers/processes';

export interface ControlPlaneUnderTest {
  db: TestDatabase;
  url: string;
  proc: RunningProcess;
  stop(): Promise<void>;
}

/**
 * startControlPlaneUnderTest runs the production build (`freshtrack control-plane`) on a fresh
 * database. jose is ESM-only, which jest's CommonJS runtime cannot load, so the server runs as
 * a real process and the tests talk HTTP to it, as clients do.
 */
export async function startControlPlaneUnderTest(env: Record<string, string> = {}, db?: TestDatabase): Promise<ControlPlaneUnderTest> {
  const database = db ?? (await createTestDatabase());
  const port = await freePort();
  const proc = startFreshtrack(['control-plane', `--web.listen-address=127.0.0.1:${port}`], {
    DATABASE_URL: database.url,
    DATABASE_POOL_MAX: '4',
    LOG_LEVEL: 'warn',
    CONTROL_PLANE_AUTH_FAILURE_LIMIT: '100000',
    ...env,
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(async () => (await fetch(`${url}/readyz`)).ok, 120_000, 200).catch((err) => {
    throw new Error(`control plane did not become ready: ${(err as Error).message}\n${proc.output()}`);
  });
  return {
    db: database,
    url,
    proc,
    async stop() {
      await proc.stop();
      if (!db) await database.drop();
    },
  };
}

/** signJwt signs an ES256 JWT with a private JWK (the local issuer's key read from the database, or a test IdP's). */
export function signJwt(privateJwk: Record<string, unknown>, payload: Record<string, unknown>, kid = String(privateJwk.kid)): string {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const data = `${b64({ alg: 'ES256', kid, typ: 'JWT' })}.${b64(payload)}`;
  const key = createPrivateKey({ key: privateJwk as never, format: 'jwk' });
  return `${data}.${sign('sha256', Buffer.from(data), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
}

export interface TokenFactory {
  (orgId: string, role: string | string[], extra?: Record<string, unknown>): string;
}

/** localTokens mints tokens the way `freshtrack token` does, with the key the control plane stored. */
export async function localTokens(db: TestDatabase): Promise<TokenFactory> {
  const { rows } = await db.pool.query<{ private_jwk: Record<string, unknown> }>('SELECT private_jwk FROM control_plane_signing_keys LIMIT 1');
  const jwk = rows[0].private_jwk;
  return (orgId, role, extra = {}) => {
    const now = Math.floor(Date.now() / 1000);
    const sub = `user:${Array.isArray(role) ? role.join('+') : role}:${orgId.slice(0, 8)}`;
    return signJwt(jwk, { iss: 'freshtrack-local', aud: 'freshtrack-control-plane', sub, name: `Test ${sub}`, org: orgId, role, iat: now, exp: now + 3600, ...extra });
  };
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  text: string;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** api calls the control plane with an optional token and JSON body. */
export async function api(base: string, method: string, path: string, token?: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse> {
  const res = await fetch(`${base}${path}`, {
    method: method.toUpperCase(),
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    redirect: 'manual',
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}
