-- The alert log records accepted requests as they were posted (issue 4, ADR 0066). Serialising
-- each accepted alert into the log row cost the router's request thread about a fifth of its
-- time per POST; the request's own body is already text. A request row holds the body, the
-- API version it came through, when it was accepted and the resolve_timeout then in force:
-- decoding it again gives exactly the alerts the router stored. Rows of `alerts` (the store's
-- merged alerts, as before) remain for alerts the router makes itself and for rows written
-- before this migration.
ALTER TABLE router_alert_log
  ALTER COLUMN alerts DROP NOT NULL,
  ADD COLUMN request text,
  ADD COLUMN api_version text CHECK (api_version IN ('v1', 'v2')),
  ADD COLUMN received_at timestamptz,
  ADD COLUMN resolve_timeout_ms bigint,
  ADD CONSTRAINT router_alert_log_one_kind CHECK (
    (alerts IS NOT NULL AND request IS NULL)
    OR (alerts IS NULL AND request IS NOT NULL AND api_version IS NOT NULL AND received_at IS NOT NULL AND resolve_timeout_ms IS NOT NULL)
  );

-- As the alerts column (0380): lz4 where the server has it.
DO $$
BEGIN
  ALTER TABLE router_alert_log ALTER COLUMN request SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
  RAISE NOTICE 'lz4 is not available: router_alert_log.request stays pglz-compressed';
END $$;
