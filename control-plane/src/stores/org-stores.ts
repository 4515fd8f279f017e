import { withTransaction, type Pool } from '../../../platform/db/pool';
import { AuditLogStore } from './audit-log-store';
import { AuditViewStore } from './audit-view-store';
import { DeviceKeyStore } from './device-key-store';
import { ExcursionStore } from './excursion-store';
import { GovernanceStore } from './governance-store';
import { InventoryStore } from './inventory-store';
import type { Queryable } from './queryable';
import { ReadingStore } from './reading-store';

/**
 * OrgStores is every store bound to ONE organization. The request pipeline builds it from the
 * authenticated principal; handlers receive nothing else, so a route cannot query another
 * organization's rows by forgetting a WHERE clause: the org id never passes through them.
 */
export interface OrgStores {
  readonly orgId: string;
  inventory: InventoryStore;
  deviceKeys: DeviceKeyStore;
  readings: ReadingStore;
  excursions: ExcursionStore;
  auditLog: AuditLogStore;
  auditViews: AuditViewStore;
  governance: GovernanceStore;
  /** Runs fn with stores bound to one transaction (a change and its audit row commit together). */
  transaction<T>(fn: (tx: OrgStores) => Promise<T>): Promise<T>;
}

function bind(db: Queryable, orgId: string, pool: Pool): OrgStores {
  return {
    orgId,
    inventory: new InventoryStore(db, orgId),
    deviceKeys: new DeviceKeyStore(db, orgId),
    readings: new ReadingStore(db, orgId),
    excursions: new ExcursionStore(db, orgId),
    auditLog: new AuditLogStore(db, orgId),
    auditViews: new AuditViewStore(db, orgId),
    governance: new GovernanceStore(db, orgId),
    transaction: (fn) => withTransaction(pool, (client) => fn(bind(client, orgId, pool))),
  };
}

/** createOrgStores is the scoped-store factory: stores for the caller's organization only. */
export function createOrgStores(pool: Pool, orgId: string): OrgStores {
  return bind(pool, orgId, pool);
}
