-- Ingest state beside the core schema (issue 3).

-- sensors.last_seen_at is the newest recorded_at evaluated (device clock): readings at or
-- before it arrived late. last_received_at is the server's clock, which SensorOffline uses so
-- a device with a wrong clock cannot hide.
ALTER TABLE sensors ADD COLUMN last_received_at timestamptz;
CREATE INDEX sensors_last_received ON sensors (org_id, last_received_at);

-- When an alert about the excursion was last queued for the router (periodic re-send).
ALTER TABLE excursions ADD COLUMN last_alert_at timestamptz;
CREATE INDEX excursions_live ON excursions (state, last_alert_at) WHERE state = 'open';

CREATE INDEX alert_outbox_excursion ON alert_outbox (excursion_id, id) WHERE delivered_at IS NULL;
CREATE INDEX alert_outbox_delivered ON alert_outbox (delivered_at) WHERE delivered_at IS NOT NULL;

-- drop_reading_partitions_before drops monthly partitions that end on or before p_cutoff
-- (retention, default two years as HACCP records need). Returns how many it dropped.
CREATE FUNCTION drop_reading_partitions_before(p_cutoff timestamptz) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  part record;
  month_start date;
  dropped integer := 0;
BEGIN
  FOR part IN
    SELECT c.relname FROM pg_inherits i
    JOIN pg_class c ON c.oid = i.inhrelid
    JOIN pg_class p ON p.oid = i.inhparent
    WHERE p.relname = 'readings' AND c.relname ~ '^readings_\d{4}_\d{2}$'
  LOOP
    month_start := to_date(substr(part.relname, 10), 'YYYY_MM');
    IF ((month_start + interval '1 month')::timestamp AT TIME ZONE 'UTC') <= p_cutoff THEN
      EXECUTE format('DROP TABLE %I', part.relname);
      dropped := dropped + 1;
    END IF;
  END LOOP;
  RETURN dropped;
END $$;
