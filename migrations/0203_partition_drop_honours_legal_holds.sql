-- Readings partitions are shared by every organization, so dropping one past retention would
-- also destroy the readings of an organization under a legal hold. While any active hold
-- covers temperature readings, an expired partition keeps the held organizations' rows: the
-- others' rows are deleted, and the partition is dropped only once it is empty.
CREATE OR REPLACE FUNCTION drop_reading_partitions_before(p_cutoff timestamptz) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  part record;
  month_start date;
  dropped integer := 0;
  held uuid[];
  remaining boolean;
BEGIN
  SELECT coalesce(array_agg(DISTINCT org_id), '{}') INTO held FROM legal_holds
  WHERE released_at IS NULL AND (record_class IS NULL OR record_class = 'temperature-readings');
  FOR part IN
    SELECT c.relname FROM pg_inherits i
    JOIN pg_class c ON c.oid = i.inhrelid
    JOIN pg_class p ON p.oid = i.inhparent
    WHERE p.relname = 'readings' AND c.relname ~ '^readings_\d{4}_\d{2}$'
  LOOP
    month_start := to_date(substr(part.relname, 10), 'YYYY_MM');
    IF ((month_start + interval '1 month')::timestamp AT TIME ZONE 'UTC') <= p_cutoff THEN
      IF cardinality(held) > 0 THEN
        EXECUTE format('DELETE FROM %I WHERE NOT (org_id = ANY ($1))', part.relname) USING held;
        EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I)', part.relname) INTO remaining;
        CONTINUE WHEN remaining;
      END IF;
      EXECUTE format('DROP TABLE %I', part.relname);
      dropped := dropped + 1;
    END IF;
  END LOOP;
  RETURN dropped;
END $$;
