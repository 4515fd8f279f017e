-- Identity providers that carry no roles in their tokens (Stack Auth puts only the selected
-- team in the JWT): the organization is matched by the IdP's team/org id, and each member's
-- role is kept here, managed by the organization's admins.
ALTER TABLE organizations ADD COLUMN idp_org_id text UNIQUE;

CREATE TABLE memberships (
  org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  subject text NOT NULL CHECK (length(subject) BETWEEN 1 AND 500),
  role text NOT NULL CHECK (role IN ('admin', 'operator', 'responder', 'auditor')),
  granted_by text NOT NULL,
  granted_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, subject)
);
