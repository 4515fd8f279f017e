import type { Request } from 'express';
import { ForbiddenError, UnauthorizedError } from '../../../platform/errors/app-error';
import type { Pool } from '../../../platform/db/pool';
import { identityFromClaims, type ClaimPaths } from '../domain/claims';
import { isRole, type Principal, type Role } from '../domain/roles';
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
    const orgId = await this.resolveOrg(identity.org);
    if (!orgId) throw new ForbiddenError('organization in token is not known to this control plane');
    // Roles in the token win; IdPs that carry none (Stack Auth) use the membership table.
    const roles = identity.roles.length ? identity.roles : await this.memberRoles(orgId, identity.subject);
    if (!roles.length) throw new ForbiddenError(`no control-plane role: none in the token's "${this.claims.role}" claim and no membership in this organization`);
    return { subject: identity.subject, name: identity.name, roles, orgId };
  }

  private async memberRoles(orgId: string, subject: string): Promise<Role[]> {
    const { rows } = await this.pool.query<{ role: string }>('SELECT role FROM memberships WHERE org_id = $1 AND subject = $2', [orgId, subject]);
    return rows.map((r) => r.role).filter(isRole);
  }

  /** Org claims may carry the organization id, its slug or the IdP's team id; cached for a minute. */
  private async resolveOrg(value: string): Promise<string | undefined> {
    const cached = this.orgCache.get(value);
    if (cached && cached.until > Date.now()) return cached.id;
    const { rows } = await this.pool.query<{ id: string }>(
      UUID.test(value)
        ? 'SELECT id FROM organizations WHERE id = $1::uuid OR idp_org_id = $1::text ORDER BY (id = $1::uuid) DESC LIMIT 1'
        : 'SELECT id FROM organizations WHERE slug = $1 OR idp_org_id = $1 ORDER BY (slug = $1) DESC LIMIT 1',
      [value],
    );
    const id = rows[0]?.id;
    if (this.orgCache.size > 10_000) this.orgCache.clear();
    this.orgCache.set(value, { id, until: Date.now() + (id ? 60_000 : 5_000) });
    return id;
  }
}
