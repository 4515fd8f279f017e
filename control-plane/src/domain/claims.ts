import { isRole, type Role } from './roles';

/** Where in the token the organization, role(s) and display name are found. */
export interface ClaimPaths {
  org: string;
  role: string;
  name: string;
}

export interface TokenIdentity {
  subject: string;
  name: string;
  /** Organization id (uuid) or slug, resolved against `organizations` by the caller. */
  org: string;
  roles: Role[];
}

/** readClaim follows a dotted path (`app_metadata.org`); a key containing dots matches whole first. */
export function readClaim(payload: Record<string, unknown>, path: string): unknown {
  if (path in payload) return payload[path];
  let value: unknown = payload;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/**
 * identityFromClaims turns a verified JWT payload into an identity, or explains which claim
 * is missing. Roles may be one string, an array, or a space-separated list (OAuth scope style);
 * unknown role names are ignored so an IdP may carry roles of other applications.
 */
export function identityFromClaims(payload: Record<string, unknown>, paths: ClaimPaths): TokenIdentity | { missing: string } {
  const subject = payload.sub;
  if (typeof subject !== 'string' || subject === '') return { missing: 'sub' };
  const org = readClaim(payload, paths.org);
  if (typeof org !== 'string' || org === '') return { missing: paths.org };
  const rawRoles = readClaim(payload, paths.role);
  const list = Array.isArray(rawRoles) ? rawRoles : typeof rawRoles === 'string' ? rawRoles.split(/[\s,]+/) : [];
  const roles = [...new Set(list.filter(isRole))];
  const name = readClaim(payload, paths.name);
  return { subject, org, roles, name: typeof name === 'string' && name !== '' ? name : subject };
}
