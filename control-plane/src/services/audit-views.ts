import type { CsvColumn } from '../domain/csv';
import type { OrgStores } from '../stores/org-stores';
import type { Page } from '../stores/excursion-store';

type Row = Record<string, unknown>;

export interface ViewFilter {
  from?: Date;
  to?: Date;
  limit: number;
  cursor?: string;
  unitId?: string;
  kind?: string;
  target?: string;
  receiver?: string;
  entityType?: string;
  actor?: string;
}

/** One auditor view: how to page through it and which columns its CSV has (fixed, even when empty). */
export interface AuditView {
  name: string;
  title: string;
  columns: string[];
  page(stores: OrgStores, f: ViewFilter): Promise<Page<Row>>;
}

const cols = (keys: string[]): CsvColumn<Row>[] => keys.map((k) => ({ header: k, value: (r) => r[k] }));

export const AUDIT_VIEWS: Record<string, AuditView> = {
  'temperature-log': {
    name: 'temperature-log',
    title: 'Temperature log (HACCP monitoring record)',
    columns: ['recordedAt', 'receivedAt', 'site', 'unit', 'unitType', 'sensor', 'temperatureC', 'temperatureF', 'doorOpen'],
    page: (s, f) => s.auditViews.temperatureLog(f),
  },
  excursions: {
    name: 'excursions',
    title: 'Excursions with corrective actions',
    columns: ['id', 'site', 'unit', 'sensor', 'kind', 'severity', 'state', 'direction', 'breachStartedAt', 'openedAt', 'closedAt', 'detectedAt', 'limitC', 'peakC', 'degreeMinutes',
      'correctiveActionState', 'actionTaken', 'productDisposition', 'completedBy', 'completedAt', 'completionMeaning', 'verifiedBy', 'verifiedAt', 'verificationMeaning'],
    page: (s, f) => s.auditViews.excursionsWithActions(f),
  },
  backups: {
    name: 'backups',
    title: 'Backups and restore tests',
    columns: ['id', 'kind', 'database', 'startedAt', 'finishedAt', 'durationSeconds', 'result', 'triggeredBy', 'backupFile', 'sizeBytes', 'sha256', 'serverVersion', 'error'],
    page: (s, f) => s.auditViews.backups(f),
  },
  certificates: {
    name: 'certificates',
    title: 'Certificate observations and renewals',
    columns: ['id', 'target', 'observedAt', 'subject', 'issuer', 'serialNumber', 'notBefore', 'notAfter', 'daysLeft', 'lifetimeUsedPct', 'fingerprintSha256', 'renewedAfter', 'dnsNames'],
    page: (s, f) => s.auditViews.certificates(f),
  },
  notifications: {
    name: 'notifications',
    title: 'Notifications delivered by the router',
    columns: ['id', 'sentAt', 'receiver', 'integration', 'groupKey', 'alertnames', 'firing', 'resolved', 'outcome', 'attempt', 'error'],
    page: (s, f) => s.auditViews.notifications(f),
  },
  'audit-log': {
    name: 'audit-log',
    title: 'Audit log of every change (hash-chained)',
    columns: ['seq', 'occurredAt', 'actor', 'action', 'entityType', 'entityId', 'before', 'after', 'prevHash', 'hash'],
    page: (s, f) => s.auditLog.list(f),
  },
};

export function csvColumns(view: AuditView): CsvColumn<Row>[] {
  return cols(view.columns);
}

/** allRows pages through a view completely (evidence bundles), in large pages: each keyset page re-sorts the rest of the range, so fewer pages cost less. */
export async function allRows(stores: OrgStores, view: AuditView, f: Omit<ViewFilter, 'limit' | 'cursor'>): Promise<Row[]> {
  const rows: Row[] = [];
  let cursor: string | undefined;
  do {
    const page = await view.page(stores, { ...f, limit: 20_000, cursor });
    rows.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return rows;
}
