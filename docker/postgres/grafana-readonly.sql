-- Read-only PostgreSQL role for Grafana's "FreshTrack records" datasource
-- (grafana/provisioning/datasources/datasources.yaml, uid freshtrack-postgres).
--
-- Food-safety auditors need the temperatures as recorded, not a metric derived from them,
-- so the records dashboard reads the tables directly. The role may only SELECT the tables
-- those panels read: it cannot write, and sees no device keys, outbox or backup data.
--
-- Run once per database as the owner (idempotent), then give the role the password Grafana
-- reads from the `grafana_postgres_password` Docker secret:
--   psql "$ADMIN_URL" -f docker/postgres/grafana-readonly.sql
--   psql "$ADMIN_URL" -c '\password freshtrack_grafana'
-- (\password prompts and sends only a hash: the secret never reaches shell history or logs.)
DO $$
BEGIN
  CREATE ROLE freshtrack_grafana LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT;
EXCEPTION WHEN duplicate_object THEN
  NULL;
END
$$;

-- A dashboard query that runs away must not hold a connection (or a lock) for long.
ALTER ROLE freshtrack_grafana SET statement_timeout = '30s';
ALTER ROLE freshtrack_grafana SET default_transaction_read_only = on;

GRANT USAGE ON SCHEMA public TO freshtrack_grafana;
-- readings is partitioned: SELECT on the parent covers every monthly partition read through it.
GRANT SELECT ON organizations, sites, units, sensors, thresholds, readings, excursions, corrective_actions TO freshtrack_grafana;
