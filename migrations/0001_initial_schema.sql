-- frontdoor's schema: flows and their immutable versions, routing, prompts, schedules, queues, agents,
-- call records and their event logs, payment outcomes, users, sessions, API tokens, audit log.
-- Applied once by engine/src/adapters/storage/postgres/migrate.ts (checksummed: never edit an applied
-- migration, add a new numbered file instead).

-- ───────────── flows ─────────────

CREATE TABLE flows (
  id                text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9_.:-]{1,64}$'),
  name              text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  description       text CHECK (length(description) <= 2000),
  -- The designer's work in progress; validated on publish, not on save.
  draft             jsonb NOT NULL CHECK (jsonb_typeof(draft) = 'object'),
  -- Optimistic concurrency: bumped by every draft save.
  draft_revision    integer NOT NULL DEFAULT 1 CHECK (draft_revision > 0),
  -- Highest version number handed out (versions are numbered per flow, 1, 2, 3 …).
  latest_version    integer NOT NULL DEFAULT 0 CHECK (latest_version >= 0),
  -- The version new calls get.
  published_version integer CHECK (published_version > 0 AND published_version <= latest_version),
  -- The flow's scripted test calls (.calls.json without "flow").
  test_calls        jsonb CHECK (test_calls IS NULL OR jsonb_typeof(test_calls) = 'object'),
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  -- Deleted flows leave lists and routing; their versions stay for the call records that ran them.
  deleted_at        timestamptz
);

CREATE TABLE flow_versions (
  flow_id      text NOT NULL REFERENCES flows (id),
  version      integer NOT NULL CHECK (version > 0),
  graph        jsonb NOT NULL CHECK (jsonb_typeof(graph) = 'object'),
  -- sha256 of the graph's canonical JSON (keys sorted, no whitespace), hex.
  checksum     text NOT NULL CHECK (checksum ~ '^[0-9a-f]{64}$'),
  author       text NOT NULL CHECK (length(author) > 0),
  note         text NOT NULL DEFAULT '' CHECK (length(note) <= 2000),
  created_at   timestamptz NOT NULL DEFAULT now(),
  -- Set when a later publish replaced this version.
  retired_at   timestamptz,
  PRIMARY KEY (flow_id, version)
);

ALTER TABLE flows
  ADD CONSTRAINT flows_published_version_fkey
  FOREIGN KEY (id, published_version) REFERENCES flow_versions (flow_id, version);

-- A published version is immutable: only retired_at may change, and it is never deleted.
CREATE FUNCTION flow_versions_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'flow version %/% is immutable and cannot be deleted', OLD.flow_id, OLD.version;
  END IF;
  IF NEW.flow_id IS DISTINCT FROM OLD.flow_id OR NEW.version IS DISTINCT FROM OLD.version
     OR NEW.graph IS DISTINCT FROM OLD.graph OR NEW.checksum IS DISTINCT FROM OLD.checksum
     OR NEW.author IS DISTINCT FROM OLD.author OR NEW.note IS DISTINCT FROM OLD.note
     OR NEW.created_at IS DISTINCT FROM OLD.created_at THEN
    RAISE EXCEPTION 'flow version %/% is immutable', OLD.flow_id, OLD.version;
  END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER flow_versions_immutable
  BEFORE UPDATE OR DELETE ON flow_versions
  FOR EACH ROW EXECUTE FUNCTION flow_versions_immutable();

-- ───────────── phone numbers ─────────────

CREATE TABLE phone_numbers (
  -- E.164 (+441234500000), national digits as the trunk sends them, or * for every other number.
  did              text PRIMARY KEY CHECK (did ~ '^(\+[1-9][0-9]{3,14}|[0-9]{3,20}|\*)$'),
  flow_id          text NOT NULL REFERENCES flows (id),
  fallback_flow_id text REFERENCES flows (id),
  label            text NOT NULL DEFAULT '' CHECK (length(label) <= 200),
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX phone_numbers_flow_id ON phone_numbers (flow_id);
CREATE INDEX phone_numbers_fallback_flow_id ON phone_numbers (fallback_flow_id);

-- ───────────── prompts ─────────────

CREATE TABLE prompts (
  id         text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9_.:-]{1,64}$'),
  name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  -- { "en-GB": "Welcome …", "cy-GB": "Croeso …" }
  text       jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(text) = 'object'),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE prompt_audio (
  prompt_id    text NOT NULL REFERENCES prompts (id) ON DELETE CASCADE,
  language     text NOT NULL CHECK (language ~ '^[a-z]{2,3}(-[A-Z]{2})?$'),
  content_type text NOT NULL CHECK (content_type ~ '^audio/'),
  bytes        bytea NOT NULL CHECK (octet_length(bytes) BETWEEN 1 AND 20971520),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (prompt_id, language)
);

-- ───────────── schedules and holidays ─────────────

CREATE TABLE holiday_calendars (
  id         text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9_.:-]{1,64}$'),
  name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  -- [{ "date": "2026-12-25", "name": "Christmas Day" }, …]
  dates      jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(dates) = 'array'),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE schedules (
  id                  text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9_.:-]{1,64}$'),
  name                text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  timezone            text NOT NULL DEFAULT 'Europe/London' CHECK (timezone ~ '^[A-Za-z_]+(/[A-Za-z0-9_+-]+)*$'),
  holiday_calendar_id text REFERENCES holiday_calendars (id),
  -- The schedule's weekly hours and closures, as the schedule node reads them.
  definition          jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(definition) = 'object'),
  updated_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX schedules_holiday_calendar_id ON schedules (holiday_calendar_id);

-- ───────────── queues and agents ─────────────

CREATE TABLE queues (
  id         text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9_.:-]{1,64}$'),
  name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  settings   jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(settings) = 'object'),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE agents (
  id          text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9_.:@-]{1,64}$'),
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  -- sip:…, teams:+44…, tel:+44…
  destination text NOT NULL CHECK (destination ~ '^(sip|sips|teams|tel):.+'),
  skills      text[] NOT NULL DEFAULT '{}',
  updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE agent_queues (
  agent_id text NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
  queue_id text NOT NULL REFERENCES queues (id) ON DELETE CASCADE,
  PRIMARY KEY (agent_id, queue_id)
);
CREATE INDEX agent_queues_queue_id ON agent_queues (queue_id);

-- ───────────── engine instances ─────────────

CREATE TABLE engine_instances (
  -- One row per engine process run.
  id           text PRIMARY KEY,
  -- Stable engine name (config or host name): a restart keeps it.
  name         text NOT NULL,
  host         text NOT NULL,
  pid          integer NOT NULL,
  started_at   timestamptz NOT NULL DEFAULT now(),
  heartbeat_at timestamptz NOT NULL DEFAULT now(),
  stopped_at   timestamptz
);
CREATE INDEX engine_instances_name ON engine_instances (name);
CREATE INDEX engine_instances_running ON engine_instances (heartbeat_at) WHERE stopped_at IS NULL;

-- ───────────── calls ─────────────

CREATE TABLE calls (
  id                 text PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 128),
  kind               text NOT NULL CHECK (kind IN ('phone', 'test')),
  from_number        text NOT NULL CHECK (length(from_number) <= 256),
  to_number          text NOT NULL CHECK (length(to_number) <= 256),
  -- Test calls of an unsaved draft carry the draft's id and no version.
  flow_id            text,
  flow_version       integer,
  started_at         timestamptz NOT NULL,
  answered_at        timestamptz CHECK (answered_at >= started_at),
  ended_at           timestamptz CHECK (ended_at >= started_at),
  -- runCall's outcome, or 'engine-lost' when the engine died mid-call.
  outcome            text CHECK (length(outcome) BETWEEN 1 AND 64),
  ended_at_node      text,
  queue_id           text,
  agent_id           text,
  wait_seconds       numeric(10, 3) CHECK (wait_seconds >= 0),
  talk_seconds       numeric(10, 3) CHECK (talk_seconds >= 0),
  engine_instance_id text NOT NULL REFERENCES engine_instances (id),
  FOREIGN KEY (flow_id, flow_version) REFERENCES flow_versions (flow_id, version),
  CHECK ((ended_at IS NULL) = (outcome IS NULL))
);
-- The call list's filters, newest first.
CREATE INDEX calls_started_at ON calls (started_at DESC);
CREATE INDEX calls_flow_started ON calls (flow_id, started_at DESC);
CREATE INDEX calls_outcome_started ON calls (outcome, started_at DESC);
CREATE INDEX calls_queue_started ON calls (queue_id, started_at DESC) WHERE queue_id IS NOT NULL;
CREATE INDEX calls_agent_started ON calls (agent_id, started_at DESC) WHERE agent_id IS NOT NULL;
CREATE INDEX calls_from_number ON calls (from_number);
CREATE INDEX calls_to_number ON calls (to_number);
-- Calls in progress, per engine (wallboard; engine-lost sweeps).
CREATE INDEX calls_in_progress ON calls (engine_instance_id) WHERE ended_at IS NULL;

CREATE TABLE call_events (
  call_id text NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
  seq     integer NOT NULL CHECK (seq > 0),
  at      timestamptz NOT NULL,
  type    text NOT NULL CHECK (type IN ('call.started', 'node.entered', 'prompt.played', 'input.digits', 'input.speech',
                                        'input.none', 'node.outcome', 'var.set', 'error', 'call.ended')),
  node_id text,
  -- Already redacted by the engine: no DTMF from sensitive (payment) nodes.
  data    jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(data) = 'object'),
  PRIMARY KEY (call_id, seq)
);

-- ───────────── payments ─────────────

CREATE TABLE payments (
  id                     text PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 128),
  call_id                text NOT NULL REFERENCES calls (id),
  status                 text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'paid', 'declined', 'cancelled', 'failed')),
  amount_minor           integer NOT NULL CHECK (amount_minor > 0),
  currency               text NOT NULL DEFAULT 'GBP' CHECK (currency = 'GBP'),
  -- The council's reference. A run of 13+ digits looks like a card number and is refused.
  reference              text NOT NULL CHECK (length(reference) BETWEEN 1 AND 64 AND reference !~ '[0-9]{13,}'),
  gateway_session_id     text CHECK (length(gateway_session_id) <= 128),
  gateway_transaction_id text CHECK (length(gateway_transaction_id) <= 128),
  created_at             timestamptz NOT NULL DEFAULT now(),
  completed_at           timestamptz,
  CHECK ((status = 'pending') = (completed_at IS NULL))
);
CREATE INDEX payments_call_id ON payments (call_id);
COMMENT ON TABLE payments IS
  'Payment outcomes only: status, amount, reference, gateway ids. Never card numbers, expiry dates or security codes (PCI DSS: card data stays with Pay360).';

-- ───────────── users, sessions, API tokens ─────────────

CREATE TABLE users (
  id            text PRIMARY KEY DEFAULT gen_random_uuid()::text,
  username      text NOT NULL CHECK (username ~ '^[A-Za-z0-9_.@-]{1,64}$'),
  -- argon2id hash (the password itself is never stored).
  password_hash text NOT NULL CHECK (length(password_hash) > 0),
  role          text NOT NULL CHECK (role IN ('viewer', 'designer', 'publisher', 'admin')),
  disabled      boolean NOT NULL DEFAULT false,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_username ON users (lower(username));

CREATE TABLE sessions (
  -- sha256 (hex) of the cookie value.
  token_hash text PRIMARY KEY CHECK (token_hash ~ '^[0-9a-f]{64}$'),
  user_id    text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
CREATE INDEX sessions_user_id ON sessions (user_id);
CREATE INDEX sessions_expires_at ON sessions (expires_at);

CREATE TABLE api_tokens (
  id           text PRIMARY KEY DEFAULT gen_random_uuid()::text,
  name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  user_id      text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  -- sha256 (hex) of the secret.
  token_hash   text NOT NULL UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
  prefix       text NOT NULL CHECK (length(prefix) BETWEEN 1 AND 16),
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  expires_at   timestamptz,
  revoked_at   timestamptz
);
CREATE INDEX api_tokens_user_id ON api_tokens (user_id);

-- ───────────── audit ─────────────

CREATE TABLE audit_log (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at          timestamptz NOT NULL DEFAULT now(),
  actor       text NOT NULL CHECK (length(actor) > 0),
  action      text NOT NULL CHECK (action ~ '^[a-z][a-zA-Z-]*(\.[a-z][a-zA-Z-]*)+$'),
  entity_type text NOT NULL,
  entity_id   text NOT NULL,
  before      jsonb,
  after       jsonb
);
CREATE INDEX audit_log_at ON audit_log (at DESC);
CREATE INDEX audit_log_entity ON audit_log (entity_type, entity_id, at DESC);
CREATE INDEX audit_log_actor ON audit_log (actor, at DESC);
