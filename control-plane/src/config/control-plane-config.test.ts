import { ConfigError } from '../../../platform/config/config-error';
import { LOCAL_AUDIENCE, LOCAL_ISSUER, parseControlPlaneConfig } from './control-plane-config';

describe('control plane configuration', () => {
  test('defaults: local issuer, no CORS, 2-year retention', () => {
    const c = parseControlPlaneConfig({});
    expect(c).toMatchObject({ jwksUrl: undefined, issuer: LOCAL_ISSUER, audience: LOCAL_AUDIENCE, corsOrigins: [], retentionDefaultDays: 730, retentionSchedule: '17 3 * * *', claims: { org: 'org', role: 'role', name: 'name' } });
  });

  test('the /audit cookie is Secure by default with an external identity provider', () => {
    expect(parseControlPlaneConfig({}).secureCookie).toBe(false);
    const external = { CONTROL_PLANE_JWKS_URL: 'https://idp.example/jwks', CONTROL_PLANE_JWT_ISSUER: 'i', CONTROL_PLANE_JWT_AUDIENCE: 'a' };
    expect(parseControlPlaneConfig(external).secureCookie).toBe(true);
    expect(parseControlPlaneConfig({ ...external, CONTROL_PLANE_SECURE_COOKIE: 'false' }).secureCookie).toBe(false);
  });

  test.each([
    [{ CONTROL_PLANE_JWKS_URL: 'https://idp.example/jwks' }, 'CONTROL_PLANE_JWT_ISSUER'],
    [{ CONTROL_PLANE_JWKS_URL: 'https://idp.example/jwks', CONTROL_PLANE_JWT_ISSUER: 'x' }, 'CONTROL_PLANE_JWT_AUDIENCE'],
    [{ CONTROL_PLANE_JWKS_URL: 'not a url' }, 'CONTROL_PLANE_JWKS_URL'],
    [{ CONTROL_PLANE_CORS_ORIGINS: 'https://ok.example,*' }, 'CONTROL_PLANE_CORS_ORIGINS'],
    [{ CONTROL_PLANE_WEBHOOK_TOKEN: 'short' }, 'CONTROL_PLANE_WEBHOOK_TOKEN'],
    [{ CONTROL_PLANE_BODY_LIMIT: 'lots' }, 'CONTROL_PLANE_BODY_LIMIT'],
    [{ CONTROL_PLANE_RETENTION_DAYS: '-1' }, 'CONTROL_PLANE_RETENTION_DAYS'],
    [{ CONTROL_PLANE_RETENTION_SCHEDULE: 'daily' }, 'CONTROL_PLANE_RETENTION_SCHEDULE'],
  ])('%j is rejected naming %s', (env, field) => {
    expect(() => parseControlPlaneConfig(env)).toThrow(ConfigError);
    try {
      parseControlPlaneConfig(env);
    } catch (err) {
      expect((err as ConfigError).field).toBe(field);
    }
  });
});
