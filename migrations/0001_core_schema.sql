-- Core schema of the ops control plane. Conventions: text, timestamptz, uuid keys from
-- gen_random_uuid(), every tenant-owned row carries org_id so queries scope by it directly.

CREATE TABLE organizations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
  name text NOT NULL,
  -- Jurisdiction profile supplying default thresholds: fda-2022, fda-legacy-45f, uk.
  jurisdiction text NOT NULL DEFAULT 'fda-2022',
  timezone text NOT NULL DEFAULT 'UTC',
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE sites (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  name text NOT NULL,
  jurisdiction text,
  timezone text,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org_id, name),
  UNIQUE (org_id, id)
);

CREATE TABLE units (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  site_id uuid NOT NULL,
  name text NOT NULL,
  unit_type text NOT NULL CHECK (unit_type IN ('fridge', 'freezer', 'hot-holding', 'cooling', 'ambient')),
  created_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (org_id, site_id) REFERENCES sites(org_id, id) ON DELETE CASCADE,
  UNIQUE (site_id, name),
  UNIQUE (org_id, id)
);

CREATE TABLE sensors (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  unit_id uuid NOT NULL,
  -- The identifier the device reports as sensor_id (hardware serial, EUI...).
  external_id text NOT NULL CHECK (length(external_id) BETWEEN 1 AND 128),
  name text,
  -- Expected reporting interval; SensorOffline fires after a multiple of it.
  interval_seconds integer NOT NULL DEFAULT 300 CHECK (interval_seconds > 0),
  last_seen_at timestamptz,
  last_battery_pct real,
  created_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (org_id, unit_id) REFERENCES units(org_id, id) ON DELETE CASCADE,
  UNIQUE (org_id, external_id)
);

CREATE TABLE device_keys (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  name text NOT NULL,
  -- Only the first characters are kept in clear, to recognise a key in lists.
  prefix text NOT NULL,
  -- SHA-256 of the full key: keys are 256-bit random, so a fast hash is not brute-forceable.
  key_hash bytea NOT NULL UNIQUE,
  created_by text,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  revoked_at timestamptz
);
CREATE INDEX device_keys_org ON device_keys (org_id);

CREATE TABLE thresholds (
  unit_id uuid PRIMARY KEY REFERENCES units(id) ON DELETE CASCADE,
  org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  min_warning_c real,
  min_critical_c real,
  max_warning_c real,
  max_critical_c real,
  delay_seconds integer NOT NULL DEFAULT 0 CHECK (delay_seconds BETWEEN 0 AND 10800),
  hysteresis_c real NOT NULL DEFAULT 0.5 CHECK (hysteresis_c >= 0),
  -- [{"cron": "0 */6 * * *", "duration_minutes": 30}] or fixed windows: defrost, cleaning.
  suppression_windows jsonb NOT NULL DEFAULT '[]',
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Every reading, partitioned by the device's recorded_at (monthly). The primary key is the
-- reading's identity: a re-sent reading conflicts instead of being stored twice.
CREATE TABLE readings (
  sensor_id uuid NOT NULL,
  recorded_at timestamptz NOT NULL,
  org_id uuid NOT NULL,
  unit_id uuid NOT NULL,
  temperature_c double precision NOT NULL,
  humidity_pct real,
  battery_pct real,
  door_open boolean,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (sensor_id, recorded_at)
) PARTITION BY RANGE (recorded_at);
CREATE INDEX readings_unit_time ON readings (unit_id, recorded_at);

-- reading_partition_name / ensure_reading_partitions: monthly partitions, created ahead by a
-- scheduled job and here for the default retention window, so inserts never miss one.
CREATE FUNCTION ensure_reading_partitions(p_from timestamptz, p_to timestamptz) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  m date := date_trunc('month', p_from AT TIME ZONE 'UTC')::date;
  created integer := 0;
  part text;
BEGIN
  WHILE m <= (p_to AT TIME ZONE 'UTC')::date LOOP
    part := format('readings_%s', to_char(m, 'YYYY_MM'));
    IF to_regclass(part) IS NULL THEN
      EXECUTE format(
        'CREATE TABLE %I PARTITION OF readings FOR VALUES FROM (%L) TO (%L)',
        part, (m::timestamp AT TIME ZONE 'UTC'), ((m + interval '1 month')::timestamp AT TIME ZONE 'UTC'));
      created := created + 1;
    END IF;
    m := (m + interval '1 month')::date;
  END LOOP;
  RETURN created;
END $$;
SELECT ensure_reading_partitions(now() - interval '25 months', now() + interval '3 months');

CREATE TABLE excursions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  unit_id uuid NOT NULL REFERENCES units(id) ON DELETE CASCADE,
  sensor_id uuid NOT NULL REFERENCES sensors(id) ON DELETE CASCADE,
  kind text NOT NULL,               -- TemperatureExcursion, SensorOffline, SensorBatteryLow, DoorOpenTooLong
  direction text,                   -- high | low for temperature
  severity text NOT NULL,           -- warning | critical
  state text NOT NULL CHECK (state IN ('pending', 'open', 'closed')),
  breach_started_at timestamptz NOT NULL,
  opened_at timestamptz,
  closed_at timestamptz,
  limit_c double precision,
  peak_c double precision,
  peak_at timestamptz,
  seconds_beyond_limit double precision NOT NULL DEFAULT 0,
  degree_minutes double precision NOT NULL DEFAULT 0,
  last_reading_at timestamptz,
  last_temperature_c double precision,
  suggested_disposition text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
-- At most one live excursion per sensor and kind: two ingest replicas cannot open two.
CREATE UNIQUE INDEX excursions_one_live ON excursions (sensor_id, kind) WHERE state <> 'closed';
CREATE INDEX excursions_org_time ON excursions (org_id, breach_started_at DESC);

-- Transactional outbox of alerts for the router: written in the same transaction as the
-- state change that caused it, delivered by a worker claiming rows with SKIP LOCKED.
CREATE TABLE alert_outbox (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  org_id uuid REFERENCES organizations(id) ON DELETE CASCADE,
  excursion_id uuid REFERENCES excursions(id) ON DELETE CASCADE,
  payload jsonb NOT NULL,           -- one Alertmanager API v2 postable alert
  created_at timestamptz NOT NULL DEFAULT now(),
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  attempts integer NOT NULL DEFAULT 0,
  last_error text,
  delivered_at timestamptz
);
CREATE INDEX alert_outbox_pending ON alert_outbox (next_attempt_at) WHERE delivered_at IS NULL;

CREATE TABLE backup_runs (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  kind text NOT NULL CHECK (kind IN ('backup', 'restore_test')),
  database_name text NOT NULL,
  started_at timestamptz NOT NULL,
  finished_at timestamptz,
  result text NOT NULL CHECK (result IN ('running', 'success', 'failure')),
  triggered_by text NOT NULL DEFAULT 'schedule',
  backup_file text,
  size_bytes bigint,
  sha256 text,
  server_version text,
  manifest jsonb,
  error text
);
CREATE INDEX backup_runs_kind_time ON backup_runs (kind, database_name, started_at DESC);

CREATE TABLE certificate_observations (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  target text NOT NULL,             -- host:port or file path
  observed_at timestamptz NOT NULL DEFAULT now(),
  serial_number text NOT NULL,
  subject text NOT NULL,
  issuer text NOT NULL,
  not_before timestamptz NOT NULL,
  not_after timestamptz NOT NULL,
  fingerprint_sha256 text NOT NULL,
  dns_names text[] NOT NULL DEFAULT '{}'
);
CREATE INDEX certificate_observations_target ON certificate_observations (target, observed_at DESC);

-- Append-only audit log; each row's hash covers the previous row's hash (tamper evidence).
CREATE TABLE audit_log (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  org_id uuid,
  occurred_at timestamptz NOT NULL DEFAULT now(),
  actor text NOT NULL,
  action text NOT NULL,
  entity_type text NOT NULL,
  entity_id text,
  before jsonb,
  after jsonb,
  prev_hash text NOT NULL,
  hash text NOT NULL
);
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only';
END $$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

-- Router state (Alertmanager-compatible): silences and the notification log.
CREATE TABLE router_silences (
  id uuid PRIMARY KEY,
  matchers jsonb NOT NULL,
  starts_at timestamptz NOT NULL,
  ends_at timestamptz NOT NULL,
  created_by text NOT NULL,
  comment text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE router_notification_log (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  receiver text NOT NULL,
  integration text NOT NULL,        -- e.g. webhook[0]
  group_key text NOT NULL,
  firing_fingerprints text[] NOT NULL DEFAULT '{}',
  resolved_fingerprints text[] NOT NULL DEFAULT '{}',
  outcome text NOT NULL,            -- success | failure
  error text,
  attempt integer NOT NULL DEFAULT 1,
  sent_at timestamptz NOT NULL DEFAULT now(),
  payload jsonb
);
CREATE INDEX router_notification_log_key ON router_notification_log (receiver, integration, group_key, sent_at DESC);
CREATE INDEX router_notification_log_time ON router_notification_log (sent_at);
