import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startFreshtrack } from '../../test/helpers/processes';
import { api, localTokens, signJwt, startControlPlaneUnderTest, type ControlPlaneUnderTest, type TokenFactory } from './control-plane-harness';

// Real processes on a shared 2-core machine: generous time for start-up and each test.
jest.setTimeout(150_000);

function ecJwk(kid: string): Record<string, unknown> {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { ...privateKey.export({ format: 'jwk' }), kid, alg: 'ES256' };
}

/** A stand-in OIDC provider: serves a JWKS like Stack Auth or any IdP does. */
function startJwksServer(keys: Record<string, unknown>[]): Promise<{ server: Server; url: string }> {
  const publicKeys = keys.map(({ d: _d, ...pub }) => pub);
  const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: publicKeys })));
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json` })));
}

describe('authentication and hardening, local development issuer', () => {
  let cp: ControlPlaneUnderTest;
  let token: TokenFactory;
  let orgId: string;

  beforeAll(async () => {
    cp = await startControlPlaneUnderTest({ CONTROL_PLANE_BODY_LIMIT: '2kb' });
    orgId = (await cp.db.pool.query(`INSERT INTO organizations (slug, name) VALUES ('acme', 'Acme') RETURNING id`)).rows[0].id;
    token = await localTokens(cp.db);
  });
  afterAll(() => cp?.stop());

  const now = () => Math.floor(Date.now() / 1000);

  test('401 without a token, with a malformed header, with a bad signature, expired, or for another audience', async () => {
    const none = await api(cp.url, 'get', '/v1/sites');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect((await api(cp.url, 'get', '/v1/sites', undefined, undefined, { authorization: 'Token abc' })).status).toBe(401);
    expect((await api(cp.url, 'get', '/v1/sites', 'not-a-jwt')).json.error).toBe('token is malformed');
    const key = (await cp.db.pool.query('SELECT kid FROM control_plane_signing_keys')).rows[0].kid;
    const forged = signJwt(ecJwk(key), { iss: 'freshtrack-local', aud: 'freshtrack-control-plane', sub: 'x', org: orgId, role: 'admin', exp: now() + 60 });
    expect((await api(cp.url, 'get', '/v1/sites', forged)).json.error).toBe('token signature is invalid');
    expect((await api(cp.url, 'get', '/v1/sites', token(orgId, 'admin', { exp: now() - 120 }))).json.error).toBe('token expired');
    expect((await api(cp.url, 'get', '/v1/sites', token(orgId, 'admin', { aud: 'someone-else' }))).json.error).toBe('token claim "aud" is not acceptable');
    const hs = `${Buffer.from('{"alg":"HS256"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub: 'x', org: orgId, role: 'admin' })).toString('base64url')}.abc`;
    expect((await api(cp.url, 'get', '/v1/sites', hs)).status).toBe(401);
  });

  test('403 for a valid token without the role, without any role, or of an unknown organization', async () => {
    expect((await api(cp.url, 'post', '/v1/sites', token(orgId, 'auditor'), { name: 'A' })).status).toBe(403);
    const responder = await api(cp.url, 'post', '/v1/sites', token(orgId, 'responder'), { name: 'A' });
    expect(responder.status).toBe(403);
    expect(responder.json.error).toBe('requires one of the roles: admin, operator');
    expect((await api(cp.url, 'post', '/v1/sites', token(orgId, 'operator'), { name: 'A' })).status).toBe(201);
    expect((await api(cp.url, 'get', '/v1/sites', token(orgId, 'auditor'))).status).toBe(200);
    expect((await api(cp.url, 'get', '/v1/sites', token(orgId, 'chef'))).status).toBe(403);
    expect((await api(cp.url, 'get', '/v1/sites', token('00000000-0000-4000-8000-000000000000', 'admin'))).status).toBe(403);
    expect((await api(cp.url, 'get', '/v1/sites', token('acme', ['auditor', 'other-app-role']))).status).toBe(200);
  });

  test('refusals are counted by status and route pattern', async () => {
    const metrics = await api(cp.url, 'get', '/metrics');
    expect(metrics.text).toMatch(/control_plane_auth_failures_total\{[^}]*status="401",route="\/v1\/sites"[^}]*\} [1-9]/);
    expect(metrics.text).toMatch(/control_plane_auth_failures_total\{[^}]*status="403",route="\/v1\/sites"[^}]*\} [1-9]/);
  });

  test('the /audit cookie is not accepted by the JSON API', async () => {
    const res = await api(cp.url, 'get', '/v1/sites', undefined, undefined, { cookie: `ft_session=${token(orgId, 'admin')}` });
    expect(res.status).toBe(401);
  });

  test('security headers, no CORS unless configured, body size limit, JSON only', async () => {
    const res = await api(cp.url, 'get', '/v1/sites', token(orgId, 'admin'), undefined, { origin: 'https://evil.example' });
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'none'");
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const big = await api(cp.url, 'post', '/v1/sites', token(orgId, 'admin'), { name: 'x'.repeat(5000) });
    expect(big.status).toBe(413);
    const text = await api(cp.url, 'post', '/v1/sites', token(orgId, 'admin'), 'name=x', { 'content-type': 'text/plain' });
    expect(text.status).toBe(415);
    const broken = await api(cp.url, 'post', '/v1/sites', token(orgId, 'admin'), '{"name":', { 'content-type': 'application/json' });
    expect(broken.status).toBe(400);
    expect((await api(cp.url, 'get', '/healthz')).status).toBe(200);
  });

  test('serves the local JWKS; `freshtrack token` mints a token the server accepts', async () => {
    const jwks = await api(cp.url, 'get', '/.well-known/jwks.json');
    expect(jwks.json.keys[0]).toMatchObject({ kty: 'EC', alg: 'ES256' });
    expect(jwks.json.keys[0].d).toBeUndefined();
    const cli = startFreshtrack(['token', '--org', 'acme', '--role', 'auditor', '--name', 'Ina Inspector'], { DATABASE_URL: cp.db.url, LOG_LEVEL: 'warn' });
    expect(await cli.exited).toBe(0);
    const minted = cli.output().trim().split('\n').pop() as string;
    const res = await api(cp.url, 'get', '/v1/organization', minted);
    expect(res.status).toBe(200);
    expect(res.json.slug).toBe('acme');
    // Without DATABASE_URL the embedded directory would be opened: refused while a freshtrack answers.
    const listen = new URL(cp.url).host;
    const embedded = startFreshtrack(['token', '--org', 'acme', '--role', 'admin'], { DATABASE_URL: undefined, CONTROL_PLANE_LISTEN_ADDRESS: listen, FRESHTRACK_DATA_DIR: '/nonexistent/never-created' });
    expect(await embedded.exited).toBe(2);
    expect(embedded.output()).toContain('has the embedded database open');
    const badRole = startFreshtrack(['token', '--org', 'acme', '--role', 'chef'], { DATABASE_URL: cp.db.url });
    expect(await badRole.exited).toBe(2);
    expect(badRole.output()).toContain('--role: must be one of admin, operator, responder, auditor');
  });
});

describe('authentication against an external identity provider (JWKS URL)', () => {
  let cp: ControlPlaneUnderTest;
  let idp: { server: Server; url: string };
  let orgId: string;
  const key = ecJwk('idp-key-1');
  const issuer = 'https://auth.example.test';

  beforeAll(async () => {
    idp = await startJwksServer([key]);
    cp = await startControlPlaneUnderTest({
      CONTROL_PLANE_JWKS_URL: idp.url,
      CONTROL_PLANE_JWT_ISSUER: issuer,
      CONTROL_PLANE_JWT_AUDIENCE: 'freshtrack',
      CONTROL_PLANE_ORG_CLAIM: 'app_metadata.org',
      CONTROL_PLANE_ROLE_CLAIM: 'app_metadata.roles',
      CONTROL_PLANE_CORS_ORIGINS: 'https://app.freshtrack.test',
      CONTROL_PLANE_AUTH_FAILURE_LIMIT: '5',
    });
    orgId = (await cp.db.pool.query(`INSERT INTO organizations (slug, name) VALUES ('bistro', 'Bistro') RETURNING id`)).rows[0].id;
  });
  afterAll(async () => {
    await cp?.stop();
    idp?.server.close();
  });

  const idpToken = (claims: Record<string, unknown> = {}) =>
    signJwt(key, { iss: issuer, aud: 'freshtrack', sub: 'idp|42', app_metadata: { org: orgId, roles: ['operator'] }, exp: Math.floor(Date.now() / 1000) + 300, ...claims });

  test('accepts the provider\'s tokens with nested org/role claims; refuses the local issuer', async () => {
    const res = await api(cp.url, 'get', '/v1/organization', idpToken());
    expect(res.status).toBe(200);
    expect(res.json.slug).toBe('bistro');
    expect((await api(cp.url, 'get', '/v1/organization', idpToken({ iss: 'freshtrack-local' }))).status).toBe(401);
    expect((await api(cp.url, 'get', '/.well-known/jwks.json')).status).toBe(404);
  });

  test('tokens without roles (Stack Auth style) use memberships; the org may be matched by the IdP team id', async () => {
    await cp.db.pool.query(`UPDATE organizations SET idp_org_id = 'team-7f3a' WHERE id = $1`, [orgId]);
    const stackLike = idpToken({ sub: 'stack|ana', app_metadata: { org: 'team-7f3a' } });
    const before = await api(cp.url, 'get', '/v1/organization', stackLike);
    expect(before.status).toBe(403);
    expect(before.json.error).toMatch(/no membership/);
    const admin = idpToken({ sub: 'idp|admin', app_metadata: { org: orgId, roles: ['admin'] } });
    expect((await api(cp.url, 'put', `/v1/memberships/${encodeURIComponent('stack|ana')}`, admin, { role: 'auditor' })).status).toBe(200);
    const after = await api(cp.url, 'get', '/v1/organization', stackLike);
    expect(after.status).toBe(200);
    expect(after.json.idpOrgId).toBe('team-7f3a');
    expect((await api(cp.url, 'post', '/v1/sites', stackLike, { name: 'x' })).status).toBe(403);
    expect((await api(cp.url, 'get', '/v1/memberships', admin)).json.items).toEqual([expect.objectContaining({ subject: 'stack|ana', role: 'auditor' })]);
  });

  test('`freshtrack token` is refused when an external issuer is configured', async () => {
    const cli = startFreshtrack(['token', '--org', 'bistro', '--role', 'admin'], { DATABASE_URL: cp.db.url, CONTROL_PLANE_JWKS_URL: idp.url, CONTROL_PLANE_JWT_ISSUER: issuer, CONTROL_PLANE_JWT_AUDIENCE: 'x' });
    expect(await cli.exited).toBe(2);
    expect(cli.output()).toContain('CONTROL_PLANE_JWKS_URL: an external identity provider is configured');
  });

  test('CORS only for the configured origin', async () => {
    const allowed = await api(cp.url, 'options', '/v1/sites', undefined, undefined, { origin: 'https://app.freshtrack.test', 'access-control-request-method': 'GET' });
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.freshtrack.test');
    const other = await api(cp.url, 'get', '/v1/organization', idpToken(), undefined, { origin: 'https://evil.example' });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  test('failed authentications are rate limited per client (429), successes are not counted', async () => {
    for (let i = 0; i < 8; i += 1) expect((await api(cp.url, 'get', '/v1/organization', idpToken())).status).toBe(200);
    const statuses: number[] = [];
    for (let i = 0; i < 12; i += 1) statuses.push((await api(cp.url, 'get', '/v1/organization', 'bad.token.here')).status);
    // The limit is 5 failures per minute; one was spent by an earlier test (and a window may
    // roll over once on a slow machine), so the first 429 comes after at most 10 failures.
    const first429 = statuses.indexOf(429);
    expect(first429).toBeGreaterThanOrEqual(1);
    expect(first429).toBeLessThanOrEqual(10);
    expect(statuses.slice(0, first429).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(first429).every((s) => s === 429)).toBe(true);
  });
});
