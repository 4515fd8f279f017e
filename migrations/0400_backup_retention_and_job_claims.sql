-- Backups removed by retention stay in the history (auditors keep every run) but stop
-- counting as restorable: pg_backup_count / pg_backup_oldest_timestamp_seconds read this.
ALTER TABLE backup_runs ADD COLUMN removed_at timestamptz;
CREATE INDEX backup_runs_retained ON backup_runs (database_name, started_at) WHERE kind = 'backup' AND result = 'success' AND removed_at IS NULL;

-- One row per scheduled run of a backup job: the replica whose insert wins runs it, so a
-- job scheduled on every exporters replica still runs once per slot.
CREATE TABLE backup_job_claims (
  job text NOT NULL,
  scheduled_for timestamptz NOT NULL,
  claimed_by text NOT NULL,
  claimed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (job, scheduled_for)
);
