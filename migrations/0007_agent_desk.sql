-- The agent desk (issue 12): advisers and supervisors as roles, the break reasons and disposition codes a
-- council sets, each adviser's wrap-up of a call (disposition and note) on the call record, and the desk's
-- connections, so an adviser whose browser closes mid-shift is set offline after a grace period by
-- whichever engine notices first.
--
-- Times are written by the engine from its Clock (parameters), never now(), except updated_at of the
-- plain collections (as for schedules and queues).

-- ───────────── roles: agent and supervisor ─────────────

-- Roles are no longer one ladder (engine/src/auth/roles.ts). Where the roles table exists (the payments
-- change made roles rows instead of a CHECK list) ours are rows; otherwise the CHECK lists grow, and a
-- later migration that turns them into rows carries every role in them over.
DO $$
BEGIN
  IF to_regclass('roles') IS NOT NULL THEN
    INSERT INTO roles (role) VALUES ('agent'), ('supervisor') ON CONFLICT DO NOTHING;
  ELSE
    ALTER TABLE users DROP CONSTRAINT IF EXISTS users_role_check;
    ALTER TABLE users ADD CONSTRAINT users_role_check
      CHECK (role IN ('viewer', 'designer', 'publisher', 'admin', 'agent', 'supervisor'));
    ALTER TABLE api_tokens DROP CONSTRAINT IF EXISTS api_tokens_role_check;
    ALTER TABLE api_tokens ADD CONSTRAINT api_tokens_role_check
      CHECK (role IN ('viewer', 'designer', 'publisher', 'admin', 'agent', 'supervisor'));
  END IF;
END $$;

-- ───────────── what the council sets ─────────────

-- Why an adviser is not taking calls: "Lunch", "Training", "Team meeting". ("missed calls" is the ACD's own.)
CREATE TABLE break_reasons (
  id         text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9_.:-]{1,64}$'),
  name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- How a call ended, as the adviser records it in wrap-up: "Report taken", "Advice given", "Passed to housing".
CREATE TABLE disposition_codes (
  id         text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9_.:-]{1,64}$'),
  name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  -- Queues whose calls may take the code; empty: every queue.
  queue_ids  text[] NOT NULL DEFAULT '{}' CHECK (cardinality(queue_ids) <= 100),
  updated_at timestamptz NOT NULL DEFAULT now()
);

INSERT INTO break_reasons (id, name) VALUES ('lunch', 'Lunch'), ('training', 'Training'), ('meeting', 'Team meeting'), ('comfort', 'Comfort break')
  ON CONFLICT DO NOTHING;
INSERT INTO disposition_codes (id, name) VALUES ('resolved', 'Resolved on the call'), ('report-taken', 'Report taken'),
  ('advice', 'Advice given'), ('referred', 'Referred to another team'), ('callback-needed', 'Call back needed')
  ON CONFLICT DO NOTHING;

-- ───────────── wrap-ups on the call record ─────────────

-- One row per adviser who took the call (a transferred call has one per adviser): the note written during
-- the call and after, and the disposition chosen in wrap-up. No card numbers: a run of 13 or more digits
-- (spaces and dashes ignored) is refused here as well as by the API.
CREATE TABLE call_wrap_ups (
  call_id          text NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
  agent_id         text NOT NULL CHECK (length(agent_id) BETWEEN 1 AND 64),
  queue_id         text,
  -- The code and its name as it was then (codes may be renamed or deleted later).
  disposition_id   text CHECK (length(disposition_id) <= 64),
  disposition_name text CHECK (length(disposition_name) <= 100),
  note             text NOT NULL DEFAULT '' CHECK (length(note) <= 4000 AND regexp_replace(note, '[ -]', '', 'g') !~ '[0-9]{13,}'),
  started_at       timestamptz NOT NULL,
  updated_at       timestamptz NOT NULL,
  -- Set when the adviser finished the wrap-up (with a disposition).
  wrapped_at       timestamptz,
  -- Who wrote it last (the adviser, or a supervisor correcting it).
  actor            text NOT NULL CHECK (length(actor) > 0),
  PRIMARY KEY (call_id, agent_id),
  CHECK ((wrapped_at IS NULL) OR (disposition_id IS NOT NULL))
);
CREATE INDEX call_wrap_ups_agent ON call_wrap_ups (agent_id, started_at DESC);
CREATE INDEX call_wrap_ups_disposition ON call_wrap_ups (disposition_id, wrapped_at) WHERE disposition_id IS NOT NULL;

-- Previous calls from a number (the desk shows them): calls are looked up by caller and start time.
CREATE INDEX calls_from_started_at ON calls (from_number, started_at DESC);

-- ───────────── desk connections ─────────────

-- Every desk websocket an adviser has open, on which engine, last seen when. When an adviser's last desk
-- has been closed (or its engine silent) for the grace period, any engine sets them offline ("desk closed").
CREATE TABLE desk_connections (
  id                 text PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 64),
  agent_id           text NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
  engine_instance_id text NOT NULL REFERENCES engine_instances (id),
  connected_at       timestamptz NOT NULL,
  seen_at            timestamptz NOT NULL,
  closed_at          timestamptz
);
CREATE INDEX desk_connections_open ON desk_connections (agent_id) WHERE closed_at IS NULL;
CREATE INDEX desk_connections_closed ON desk_connections (closed_at) WHERE closed_at IS NOT NULL;
