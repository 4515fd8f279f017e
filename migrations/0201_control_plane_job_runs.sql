-- One row per scheduled control-plane job run (e.g. retention for a given day): the replica
-- whose INSERT wins runs the job; the others see the conflict and skip it.
CREATE TABLE control_plane_job_runs (
  job text NOT NULL,
  run_key text NOT NULL,
  started_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  outcome jsonb,
  PRIMARY KEY (job, run_key)
);
