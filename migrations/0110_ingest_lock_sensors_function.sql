-- Ingest's per-transaction sensor lookup and lock (issue 3, ADR 0012), as a function so that
-- its plan is cached. The statement joins seven relations; planning it took ~1.4 ms of
-- PostgreSQL CPU on every write transaction, ten times its execution. node-postgres sends
-- unnamed statements, which are planned each time, and named prepared statements do not
-- survive PgBouncer's transaction pooling (before 1.21). PL/pgSQL keeps the plan per
-- connection instead (a generic plan after five executions).
--
-- Resolves each (device key, external id) pair within the key's organization, only while the
-- key is not revoked, and locks the sensors' rows in id order (two transactions never deadlock).
CREATE FUNCTION ingest_lock_sensors(p_key_ids uuid[], p_external_ids text[])
RETURNS TABLE (
  key_id uuid, id uuid, org_id uuid, unit_id uuid, external_id text, unit_type text, unit_name text,
  site_name text, org_slug text, jurisdiction text, timezone text, has_thresholds boolean,
  min_warning_c real, min_critical_c real, max_warning_c real, max_critical_c real,
  delay_seconds integer, hysteresis_c real, suppression_windows jsonb, last_seen_at timestamptz
)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
BEGIN
  RETURN QUERY
  SELECT w.key_id, s.id, s.org_id, s.unit_id, s.external_id, u.unit_type, u.name, si.name, o.slug,
         coalesce(si.jurisdiction, o.jurisdiction), coalesce(si.timezone, o.timezone),
         t.unit_id IS NOT NULL, t.min_warning_c, t.min_critical_c, t.max_warning_c, t.max_critical_c,
         t.delay_seconds, t.hysteresis_c, t.suppression_windows, s.last_seen_at
  FROM unnest(p_key_ids, p_external_ids) AS w(key_id, external_id)
  JOIN device_keys k ON k.id = w.key_id AND (k.revoked_at IS NULL OR k.revoked_at > now())
  JOIN sensors s ON s.org_id = k.org_id AND s.external_id = w.external_id
  JOIN units u ON u.id = s.unit_id
  JOIN sites si ON si.id = u.site_id
  JOIN organizations o ON o.id = s.org_id
  LEFT JOIN thresholds t ON t.unit_id = s.unit_id
  ORDER BY s.id
  FOR UPDATE OF s;
END
$$;
