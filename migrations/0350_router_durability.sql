-- Router durability and HA (issue 5): active alerts survive restarts, the notification log
-- doubles as the exactly-once claim between replicas, acknowledgements and escalations are
-- shared by every replica, and silences remember which notices went out.

-- Active alert state, so a restarted router relearns its alerts (Alertmanager #2370).
CREATE TABLE router_alerts (
  fingerprint text PRIMARY KEY,
  labels jsonb NOT NULL,
  annotations jsonb NOT NULL DEFAULT '{}',
  starts_at timestamptz NOT NULL,
  ends_at timestamptz NOT NULL,
  generator_url text NOT NULL DEFAULT '',
  updated_at timestamptz NOT NULL,
  -- endsAt came from resolve_timeout rather than the sender (Alertmanager's Alert.Timeout).
  timeout boolean NOT NULL DEFAULT false
);
CREATE INDEX router_alerts_ends_at ON router_alerts (ends_at);

-- Dedup state per (receiver, integration, group key): the firing/resolved sets of the last
-- successful send (Alertmanager's nflog entry) plus at most one in-flight claim. A replica
-- sends only after taking the claim under the row lock; a dead replica's claim lapses at
-- claim_expires_at. See docs/adr/0035-router-ha-through-postgres.md.
CREATE TABLE router_notify_state (
  receiver text NOT NULL,
  integration text NOT NULL,
  group_key text NOT NULL,
  firing_fingerprints text[] NOT NULL DEFAULT '{}',
  resolved_fingerprints text[] NOT NULL DEFAULT '{}',
  last_sent_at timestamptz,
  claim_token uuid,
  claim_owner text,
  claim_firing text[],
  claim_resolved text[],
  claim_expires_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (receiver, integration, group_key)
);
CREATE INDEX router_notify_state_updated ON router_notify_state (updated_at);

-- The notification log table (0001) is the auditors' history: one row per attempt.
ALTER TABLE router_notification_log
  ADD COLUMN replica text,
  ADD COLUMN duration_ms integer,
  ADD CONSTRAINT router_notification_log_outcome CHECK (outcome IN ('success', 'failure'));
CREATE INDEX router_notification_log_group ON router_notification_log (group_key, sent_at DESC);

-- Silence notices (Alertmanager #730): each notice goes out once, whichever replica sends it.
ALTER TABLE router_silences
  ADD COLUMN created_notified_at timestamptz,
  ADD COLUMN expiry_notified_at timestamptz;
CREATE INDEX router_silences_ends_at ON router_silences (ends_at);

-- Acknowledgements of a group (Alertmanager #1860). Every ack is kept for the audit trail;
-- at most one per group is current (cleared_at IS NULL).
CREATE TABLE router_group_acks (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  group_key text NOT NULL,
  acknowledged_by text NOT NULL,
  comment text NOT NULL DEFAULT '',
  acknowledged_at timestamptz NOT NULL DEFAULT now(),
  firing_fingerprints text[] NOT NULL DEFAULT '{}',
  cleared_at timestamptz,
  cleared_reason text
);
CREATE UNIQUE INDEX router_group_acks_current ON router_group_acks (group_key) WHERE cleared_at IS NULL;

-- Escalation of an unacknowledged group along a chain of receivers (Alertmanager #2150).
-- step = how many chain receivers were notified; next_at NULL = nothing left to do.
CREATE TABLE router_escalations (
  group_key text PRIMARY KEY,
  chain text[] NOT NULL,
  step integer NOT NULL DEFAULT 0,
  after_ms bigint NOT NULL CHECK (after_ms > 0),
  group_labels jsonb NOT NULL DEFAULT '{}',
  firing_fingerprints text[] NOT NULL DEFAULT '{}',
  started_at timestamptz NOT NULL,
  next_at timestamptz,
  claim_token uuid,
  claim_expires_at timestamptz,
  closed_at timestamptz,
  closed_reason text
);
CREATE INDEX router_escalations_due ON router_escalations (next_at) WHERE next_at IS NOT NULL;
