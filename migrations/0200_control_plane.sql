-- Control plane: local-issuer signing keys, acknowledgements, corrective actions (HACCP
-- principle 5, signed per 21 CFR 11.50), deployments, retention with legal holds, and the
-- webhook notifications the control plane receives from the router.

-- The local development issuer's signing keys live in the database so every replica signs
-- and verifies with the same key. Never used when an external JWKS URL is configured.
CREATE TABLE control_plane_signing_keys (
  kid text PRIMARY KEY,
  algorithm text NOT NULL,
  private_jwk jsonb NOT NULL,
  public_jwk jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE acknowledgements (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  excursion_id uuid NOT NULL REFERENCES excursions(id) ON DELETE CASCADE,
  acknowledged_by text NOT NULL,
  acknowledged_by_name text NOT NULL,
  comment text,
  group_key text,
  forwarded boolean NOT NULL DEFAULT false,
  forward_error text,
  acknowledged_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX acknowledgements_excursion ON acknowledgements (org_id, excursion_id, acknowledged_at DESC);

-- One corrective action per excursion. State: open -> completed (signed by the person who
-- acted) -> verified (signed by the person who checked). Signatures keep name, subject,
-- time and meaning side by side with the record they sign (11.50 / 11.70).
CREATE TABLE corrective_actions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  excursion_id uuid NOT NULL UNIQUE REFERENCES excursions(id) ON DELETE CASCADE,
  state text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'completed', 'verified')),
  opened_at timestamptz NOT NULL DEFAULT now(),
  action_taken text,
  product_disposition text,
  completed_by text,
  completed_by_name text,
  completed_at timestamptz,
  completion_meaning text,
  verification_note text,
  verified_by text,
  verified_by_name text,
  verified_at timestamptz,
  verification_meaning text,
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (state = 'open' OR (action_taken IS NOT NULL AND product_disposition IS NOT NULL AND completed_at IS NOT NULL)),
  CHECK (state <> 'verified' OR verified_at IS NOT NULL)
);
CREATE INDEX corrective_actions_org_state ON corrective_actions (org_id, state, opened_at DESC);

-- An excursion becomes one as soon as it is open (a pending breach that clears within its
-- delay never was a deviation). The trigger makes the corrective action impossible to miss,
-- whichever role or replica opened the excursion.
CREATE FUNCTION open_corrective_action() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.state IN ('open', 'closed') THEN
    INSERT INTO corrective_actions (org_id, excursion_id, opened_at)
    VALUES (NEW.org_id, NEW.id, COALESCE(NEW.opened_at, now()))
    ON CONFLICT (excursion_id) DO NOTHING;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER excursions_open_corrective_action AFTER INSERT OR UPDATE OF state ON excursions
  FOR EACH ROW EXECUTE FUNCTION open_corrective_action();

CREATE TABLE deployments (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  version text NOT NULL,
  environment text NOT NULL,
  result text NOT NULL CHECK (result IN ('started', 'success', 'failure', 'rolled_back')),
  description text,
  recorded_by text NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX deployments_org_time ON deployments (org_id, recorded_at DESC);

-- Retention per record class; absent rows mean the configured default (2 years).
CREATE TABLE retention_policies (
  org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  record_class text NOT NULL,
  retain_days integer NOT NULL CHECK (retain_days BETWEEN 1 AND 36500),
  updated_by text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, record_class)
);

-- A legal hold stops deletion of one record class (or every class when NULL) until released.
CREATE TABLE legal_holds (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  record_class text,
  reason text NOT NULL,
  placed_by text NOT NULL,
  placed_at timestamptz NOT NULL DEFAULT now(),
  released_by text,
  released_at timestamptz
);
CREATE INDEX legal_holds_active ON legal_holds (org_id) WHERE released_at IS NULL;

-- Alertmanager webhook (v4) payloads delivered to the control plane by the router.
CREATE TABLE received_alert_notifications (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  received_at timestamptz NOT NULL DEFAULT now(),
  receiver text NOT NULL,
  status text NOT NULL,
  group_key text NOT NULL,
  alert_count integer NOT NULL,
  payload jsonb NOT NULL
);
CREATE INDEX received_alert_notifications_time ON received_alert_notifications (received_at DESC);

-- Audit views read an organization's chain in order; verification walks it.
CREATE INDEX audit_log_org_seq ON audit_log (org_id, seq);
