-- Issue 9 (hardening).

-- Sign-in attempts, counted in the database so a limit holds under concurrent requests and across
-- engines: one row per limit key (an account, an address, or everyone), with the start of its current
-- window. An attempt is reserved here before the password is checked, and given back when it succeeds.
CREATE TABLE login_throttle (
  key          text PRIMARY KEY CHECK (length(key) BETWEEN 1 AND 200),
  window_start timestamptz NOT NULL,
  attempts     integer NOT NULL CHECK (attempts >= 0)
);

-- Secrets that flows refer to by name ({{secret:NAME}} in an http node), sealed by the engine with
-- AES-256-GCM under a key that never reaches the database. The API never returns a value.
CREATE TABLE secrets (
  name        text PRIMARY KEY CHECK (name ~ '^[A-Za-z][A-Za-z0-9_]{0,63}$'),
  sealed      bytea NOT NULL,
  description text NOT NULL DEFAULT '' CHECK (length(description) <= 500),
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  updated_by  text NOT NULL CHECK (length(updated_by) > 0)
);
