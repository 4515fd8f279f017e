-- A sensor's excursions over time (issue 3, ADR 0069): replaying late readings asks which
-- temperature excursions are on record around them. Only live ones were indexed by sensor
-- (excursions_one_live); without this the question scans every excursion of every tenant.
-- It also serves the cascade when a sensor is deleted.
CREATE INDEX excursions_sensor_time ON excursions (sensor_id, kind, breach_started_at);
