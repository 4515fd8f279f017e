-- One outbox row per alert and router (issue 3, ADR 0068). With several router URLs, a row
-- counted as delivered only once every router had taken it, and only the oldest undelivered
-- row of an excursion was due: one router down held back the healthy ones (no resolution, no
-- re-sends, firing alerts expiring there and firing again). Prometheus keeps a queue per
-- Alertmanager; so does ingest now.
--
-- router: the router's URL without credentials (as in metrics and logs). NULL marks a row not
-- yet given to routers: rows queued before this migration and the control plane's deploy
-- alerts. Ingest's outbox worker copies such rows to each router it is configured with.
ALTER TABLE alert_outbox ADD COLUMN router text;

-- Due per (excursion, router): the oldest undelivered row of each.
DROP INDEX alert_outbox_excursion;
CREATE INDEX alert_outbox_excursion_router ON alert_outbox (excursion_id, router, id) WHERE delivered_at IS NULL;
