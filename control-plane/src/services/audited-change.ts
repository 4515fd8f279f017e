import type { Principal } from '../domain/roles';
import type { OrgStores } from '../stores/org-stores';

export interface Change<T> {
  entityId: string;
  before?: unknown;
  after: T;
}

/**
 * auditedChange runs a change and appends its audit row (who, what, before/after, when) in
 * the same transaction: the change is never committed without its audit trail.
 */
export async function auditedChange<T>(
  stores: OrgStores,
  principal: Principal,
  action: string,
  entityType: string,
  change: (tx: OrgStores) => Promise<Change<T>>,
): Promise<T> {
  return stores.transaction(async (tx) => {
    const result = await change(tx);
    await tx.auditLog.append({ actor: principal.subject, action, entityType, entityId: result.entityId, before: result.before ?? null, after: result.after });
    return result.after;
  });
}
