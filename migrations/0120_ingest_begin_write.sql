-- Ingest's write transaction in fewer round trips (issue 3, ADR 0012). On a 2-core machine a
-- round trip to PostgreSQL costs ingest more CPU than the statement inside it, so the opening
-- statement of every write transaction now does what three statements did: lock the sensors,
-- insert the readings, and read the sensors' state and live excursions under those locks.

DROP FUNCTION ingest_lock_sensors(uuid[], text[]);

-- Every write transaction updates its sensors' rows (last seen, battery, received at). No
-- query can use an index on last_received_at (the offline sweep compares it per sensor with
-- its own interval), and the index made every one of those updates touch all three indexes of
-- the table. Without it, and with room left on each page, they are heap-only (HOT) updates.
DROP INDEX sensors_last_received;
ALTER TABLE sensors SET (fillfactor = 50);

-- ingest_begin_write resolves each (device key, external id) pair within the key's
-- organization, only while the key is not revoked; locks the sensors' rows in id order (two
-- transactions never deadlock); inserts the readings given (the arrays after the pairs, one
-- element per reading; NULL when the caller writes them with COPY instead), skipping those
-- already stored; and returns, per (key, sensor), the sensor, its live (not closed)
-- excursions and the epoch milliseconds of the readings this call inserted.
--
-- The lock is its own statement so that the state read by the next one is read after the
-- locks were granted (a PL/pgSQL function takes a new snapshot per statement): the excursion
-- state a replica evaluates against is the state the previous holder of the lock committed.
--
-- Generic plans from the first call: with the default plan_cache_mode each connection planned
-- the statements afresh for its first five calls, 2-6 ms each against ~1 ms once generic.
CREATE FUNCTION ingest_begin_write(
  p_key_ids uuid[], p_external_ids text[],
  p_recorded_at timestamptz[], p_temperature_c float8[], p_humidity_pct real[], p_battery_pct real[], p_door_open boolean[]
)
RETURNS TABLE (
  key_id uuid, id uuid, org_id uuid, unit_id uuid, external_id text, unit_type text, unit_name text,
  site_name text, org_slug text, jurisdiction text, timezone text, has_thresholds boolean,
  min_warning_c real, min_critical_c real, max_warning_c real, max_critical_c real,
  delay_seconds integer, hysteresis_c real, suppression_windows jsonb, last_seen_at timestamptz,
  live_excursions jsonb, inserted_ms float8[]
)
LANGUAGE plpgsql
SET plan_cache_mode = force_generic_plan
AS $$
#variable_conflict use_column
BEGIN
  PERFORM 1
  FROM (SELECT DISTINCT w.key_id, w.external_id FROM unnest(p_key_ids, p_external_ids) AS w(key_id, external_id)) w
  JOIN device_keys k ON k.id = w.key_id AND (k.revoked_at IS NULL OR k.revoked_at > now())
  JOIN sensors s ON s.org_id = k.org_id AND s.external_id = w.external_id
  ORDER BY s.id
  FOR UPDATE OF s;

  RETURN QUERY
  WITH resolved AS (
    SELECT DISTINCT w.key_id, w.external_id, s.id AS sensor_id, s.org_id, s.unit_id
    FROM unnest(p_key_ids, p_external_ids) AS w(key_id, external_id)
    JOIN device_keys k ON k.id = w.key_id AND (k.revoked_at IS NULL OR k.revoked_at > now())
    JOIN sensors s ON s.org_id = k.org_id AND s.external_id = w.external_id
  ), stored AS (
    INSERT INTO readings (sensor_id, recorded_at, org_id, unit_id, temperature_c, humidity_pct, battery_pct, door_open)
    SELECT v.sensor_id, r.recorded_at, v.org_id, v.unit_id, r.temperature_c, r.humidity_pct, r.battery_pct, r.door_open
    FROM unnest(p_key_ids, p_external_ids, p_recorded_at, p_temperature_c, p_humidity_pct, p_battery_pct, p_door_open)
      AS r(key_id, external_id, recorded_at, temperature_c, humidity_pct, battery_pct, door_open)
    JOIN resolved v ON v.key_id = r.key_id AND v.external_id = r.external_id
    WHERE r.recorded_at IS NOT NULL
    ON CONFLICT (sensor_id, recorded_at) DO NOTHING
    RETURNING sensor_id, recorded_at
  ), stored_by_sensor AS (
    SELECT st.sensor_id, array_agg((extract(epoch FROM st.recorded_at) * 1000)::float8) AS inserted_ms
    FROM stored st GROUP BY st.sensor_id
  )
  SELECT v.key_id, s.id, s.org_id, s.unit_id, s.external_id, u.unit_type, u.name, si.name, o.slug,
         coalesce(si.jurisdiction, o.jurisdiction), coalesce(si.timezone, o.timezone),
         t.unit_id IS NOT NULL, t.min_warning_c, t.min_critical_c, t.max_warning_c, t.max_critical_c,
         t.delay_seconds, t.hysteresis_c, t.suppression_windows, s.last_seen_at,
         (SELECT jsonb_agg(to_jsonb(e)) FROM excursions e WHERE e.sensor_id = s.id AND e.state <> 'closed'),
         sb.inserted_ms
  FROM resolved v
  JOIN sensors s ON s.id = v.sensor_id
  JOIN units u ON u.id = s.unit_id
  JOIN sites si ON si.id = u.site_id
  JOIN organizations o ON o.id = s.org_id
  LEFT JOIN thresholds t ON t.unit_id = s.unit_id
  LEFT JOIN stored_by_sensor sb ON sb.sensor_id = s.id;
END
$$;
