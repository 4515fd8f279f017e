/**
 * The four roles of the control plane. `auditor` is read-only; `responder` acts on alerts;
 * `operator` also manages inventory; `admin` also manages keys, retention and the org.
 */
export const ROLES = ['admin', 'operator', 'responder', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** Principal is the authenticated caller, already resolved to one organization. */
export interface Principal {
  /** The token subject (`sub`), the stable identity recorded in audit rows. */
  subject: string;
  /** Printed name for signatures (21 CFR 11.50); falls back to the subject. */
  name: string;
  orgId: string;
  roles: Role[];
}

/** Role sets used by the route table, so permissions read the same everywhere. */
export const ANY_ROLE: readonly Role[] = ROLES;
export const MANAGERS: readonly Role[] = ['admin', 'operator'];
export const RESPONDERS: readonly Role[] = ['admin', 'operator', 'responder'];
export const AUDIT_READERS: readonly Role[] = ['admin', 'operator', 'auditor'];
export const ADMINS: readonly Role[] = ['admin'];

export function hasAnyRole(principal: Principal, allowed: readonly Role[]): boolean {
  return principal.roles.some((r) => allowed.includes(r));
}
