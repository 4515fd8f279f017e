import type { Request } from 'express';
import { ForbiddenError, UnauthorizedError } from '../../../platform/errors/app-error';
import type { Pool } from '../../../platform/db/pool';
import { identityFromClaims, type ClaimPaths } from '../domain/claims';
import type { Principal } from '../domain/roles';
import type { JwtVerifier } from './jwt-verifier';
import { readCookie, SESSION_COOKIE } from './session-cookie';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Authenticator turns a request into a Principal: a Bearer token, or on GET requests under
 * /audit the session cookie (cookies are never accepted for writes, so no CSRF surface).
 * No or bad token is 401; a valid token whose organization is unknown or that carries no
 * control-plane role is 403.
 */
export class Authenticator {
  private readonly orgCache = new Map<string, { id: string | undefined; until: number }>();

  constructor(
    private readonly verify: JwtVerifier,
    private readonly claims: ClaimPaths,
    private readonly pool: Pool,
  ) {}

  tokenOf(req: Request): string | undefined {
    const header = req.get('authorization');
    if (header) {
      const m = /^Bearer\s+(\S+)$/i.exec(header);
      if (!m) throw new UnauthorizedError('Authorization header must be "Bearer <token>"');
      return m[1];
    }
    if ((req.method === 'GET' || req.method === 'HEAD') && req.path.startsWith('/audit')) return readCookie(req.get('cookie'), SESSION_COOKIE);
    return undefined;
  }

  async authenticate(req: Request): Promise<Principal> {
    const token = this.tokenOf(req);
    if (!token) throw new UnauthorizedError('authentication required: send Authorization: Bearer <token>');
    return this.principalOf(token);
  }

  async principalOf(token: string): Promise<Principal> {
    const checked = await this.verify(token);
    if (!checked.ok) throw new UnauthorizedError(checked.reason);
    const identity = identityFromClaims(checked.payload as Record<string, unknown>, this.claims);
    if ('missing' in identity) throw new UnauthorizedError(`token has no "${identity.missing}" claim`);
    if (!identity.roles.length) throw new ForbiddenError(`token carries no control-plane role (admin, operator, responder, auditor) in "${this.claims.role}"`);
    const orgId = await this.resolveOrg(identity.org);
    if (!orgId) throw new ForbiddenError('organization in token is not known to this control plane');
    return { subject: identity.subject, name: identity.name, roles: identity.roles, orgId };
  }

  /** Org claims may carry the organization id or slug; lookups are cached for a minute. */
  private async resolveOrg(value: string): Promise<string | undefined> {
    const cached = this.orgCache.get(value);
    if (cached && cached.until > Date.now()) return cached.id;
    const { rows } = await this.pool.query<{ id: string }>(
      UUID.test(value) ? 'SELECT id FROM organizations WHERE id = $1' : 'SELECT id FROM organizations WHERE slug = $1',
      [value],
    );
    const id = rows[0]?.id;
    if (this.orgCache.size > 10_000) this.orgCache.clear();
    this.orgCache.set(value, { id, until: Date.now() + (id ? 60_000 : 5_000) });
    return id;
  }
}
