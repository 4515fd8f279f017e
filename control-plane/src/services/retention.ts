import { RECORD_CLASSES, type RecordClass } from '../domain/record-classes';
import type { Principal } from '../domain/roles';
import type { OrgStores } from '../stores/org-stores';

export interface RetentionOutcome {
  recordClass: RecordClass;
  retainDays: number;
  held: boolean;
  deleted: number;
}

/**
 * enforceRetention deletes, per record class, rows older than the class's retention unless a
 * legal hold covers it. Each class is its own transaction with its audit row; the hold is
 * checked inside it, so a hold placed concurrently either wins or waits.
 */
export async function enforceRetention(stores: OrgStores, principal: Principal, defaultDays: number, now = new Date()): Promise<RetentionOutcome[]> {
  const policies = new Map((await stores.governance.retentionPolicies()).map((p) => [p.recordClass as string, Number(p.retainDays)]));
  const outcomes: RetentionOutcome[] = [];
  for (const recordClass of RECORD_CLASSES) {
    const retainDays = policies.get(recordClass) ?? defaultDays;
    const outcome = await stores.transaction(async (tx) => {
      if (await tx.governance.isHeld(recordClass)) return { recordClass, retainDays, held: true, deleted: 0 };
      const deleted = await tx.governance.purge(recordClass, new Date(now.getTime() - retainDays * 86400_000));
      if (deleted) await tx.auditLog.append({ actor: principal.subject, action: 'purge', entityType: 'retention', entityId: recordClass, after: { retainDays, deleted } });
      return { recordClass, retainDays, held: false, deleted };
    });
    outcomes.push(outcome);
  }
  return outcomes;
}
