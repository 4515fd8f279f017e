-- The closing statement of ingest's write transaction as a function (issue 3, ADR 0012).
-- Sent as a literal UPDATE, PostgreSQL planned it on every transaction (EXPLAIN under load: 0.4 ms
-- of planning against 0.3 ms of execution for one sensor); as a function it saved 0.05-0.1 ms of
-- PostgreSQL's CPU per single-reading request in the benchmark. A PL/pgSQL function keeps its plan
-- per connection, generic from the first call as ingest_begin_write's are; an ANALYZE of sensors
-- invalidates it, so it follows the table's size.
CREATE FUNCTION ingest_finish_write(p_sensor_ids uuid[], p_evaluated_until timestamptz[], p_battery_pct real[])
RETURNS void
LANGUAGE plpgsql
SET plan_cache_mode = force_generic_plan
AS $$
BEGIN
  UPDATE sensors s SET last_seen_at = greatest(s.last_seen_at, v.evaluated_until),
         last_battery_pct = coalesce(v.battery_pct, s.last_battery_pct),
         last_received_at = now()
  FROM unnest(p_sensor_ids, p_evaluated_until, p_battery_pct) AS v(id, evaluated_until, battery_pct)
  WHERE s.id = v.id;
END
$$;
