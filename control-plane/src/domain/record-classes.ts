/**
 * Record classes with their own retention. Food-safety records default to 2 years
 * (21 CFR 117.315); the audit log itself is append-only and never deleted by retention.
 */
export const RECORD_CLASSES = ['temperature-readings', 'excursions', 'acknowledgements', 'deployments'] as const;
export type RecordClass = (typeof RECORD_CLASSES)[number];

export const DEFAULT_RETENTION_DAYS = 730;

/** The table and timestamp column each class is deleted from, oldest first. */
export const RECORD_CLASS_TABLES: Record<RecordClass, { table: string; column: string }> = {
  'temperature-readings': { table: 'readings', column: 'recorded_at' },
  excursions: { table: 'excursions', column: 'breach_started_at' },
  acknowledgements: { table: 'acknowledgements', column: 'acknowledged_at' },
  deployments: { table: 'deployments', column: 'recorded_at' },
};
