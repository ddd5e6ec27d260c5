-- Card payments through Pay360 (issue 13): payment events in the call log, the payments table as the
-- payments screen reads it (projected from those events), and a `payments` role.
--
-- Call event types and roles become rows in small tables instead of CHECK lists, so changes made side
-- by side add theirs with an INSERT rather than rewriting one list (and silently dropping each other's).
-- Whatever earlier migrations had put in the old CHECK lists is carried over.

-- ───────────── call event types ─────────────

CREATE TABLE call_event_types (
  type text PRIMARY KEY CHECK (type ~ '^[a-z]+(\.[a-z]+)*$')
);

DO $$
DECLARE
  definition text;
BEGIN
  SELECT pg_get_constraintdef(oid) INTO definition FROM pg_constraint
    WHERE conrelid = 'call_events'::regclass AND conname = 'call_events_type_check';
  INSERT INTO call_event_types (type)
    SELECT m[1] FROM regexp_matches(coalesce(definition, ''), '''([a-z.]+)''', 'g') AS m
    ON CONFLICT DO NOTHING;
  ALTER TABLE call_events DROP CONSTRAINT IF EXISTS call_events_type_check;
END $$;

INSERT INTO call_event_types (type) VALUES
  ('call.started'), ('node.entered'), ('prompt.played'), ('input.digits'), ('input.speech'), ('input.none'),
  ('node.outcome'), ('var.set'), ('error'), ('call.ended'),
  ('payment.started'), ('payment.ended')
  ON CONFLICT DO NOTHING;

ALTER TABLE call_events ADD CONSTRAINT call_events_type_fkey FOREIGN KEY (type) REFERENCES call_event_types (type);

-- ───────────── roles ─────────────

CREATE TABLE roles (
  role text PRIMARY KEY CHECK (role ~ '^[a-z][a-z-]{1,31}$')
);

DO $$
DECLARE
  definition text;
BEGIN
  FOR definition IN
    SELECT pg_get_constraintdef(oid) FROM pg_constraint
    WHERE (conrelid = 'users'::regclass AND conname = 'users_role_check')
       OR (conrelid = 'api_tokens'::regclass AND conname = 'api_tokens_role_check')
  LOOP
    INSERT INTO roles (role)
      SELECT m[1] FROM regexp_matches(definition, '''([a-z-]+)''', 'g') AS m
      ON CONFLICT DO NOTHING;
  END LOOP;
  ALTER TABLE users DROP CONSTRAINT IF EXISTS users_role_check;
  ALTER TABLE api_tokens DROP CONSTRAINT IF EXISTS api_tokens_role_check;
END $$;

-- payments: the payment team's role — sees payments (and what a viewer sees), changes nothing.
INSERT INTO roles (role) VALUES ('viewer'), ('designer'), ('publisher'), ('admin'), ('payments') ON CONFLICT DO NOTHING;

ALTER TABLE users ADD CONSTRAINT users_role_fkey FOREIGN KEY (role) REFERENCES roles (role);
ALTER TABLE api_tokens ADD CONSTRAINT api_tokens_role_fkey FOREIGN KEY (role) REFERENCES roles (role);

-- ───────────── payments ─────────────

-- 0001's table, never written until now, reshaped for Pay360: outcomes paid / declined / abandoned /
-- error, the merchant reference (the idempotency key sent to Pay360), the card as Pay360 masks it
-- (last four digits only), why it failed, and whether an earlier payment was found instead.
UPDATE payments SET status = 'abandoned' WHERE status = 'cancelled';
UPDATE payments SET status = 'error' WHERE status = 'failed';
ALTER TABLE payments DROP CONSTRAINT IF EXISTS payments_status_check;
ALTER TABLE payments ADD CONSTRAINT payments_status_check CHECK (status IN ('pending', 'paid', 'declined', 'abandoned', 'error'));

-- The caller may key the amount on Pay360's line: unknown until the payment ends.
ALTER TABLE payments ALTER COLUMN amount_minor DROP NOT NULL;

ALTER TABLE payments
  ADD COLUMN node_id            text CHECK (length(node_id) <= 200),
  ADD COLUMN merchant_reference text CHECK (length(merchant_reference) BETWEEN 1 AND 64 AND merchant_reference !~ '[0-9]{13,}'),
  ADD COLUMN masked_card        text CHECK (masked_card ~ '^\*{4} [0-9]{4}$'),
  ADD COLUMN reason             text CHECK (length(reason) <= 64 AND reason !~ '[0-9]{13,}'),
  ADD COLUMN previously_paid    boolean NOT NULL DEFAULT false;

-- One charge is one paid row: a retry that found the earlier payment is marked previously_paid.
CREATE UNIQUE INDEX payments_one_row_per_charge ON payments (gateway_transaction_id)
  WHERE status = 'paid' AND NOT previously_paid;
-- The payments screen: newest first, by status, by reference.
CREATE INDEX payments_created_at ON payments (created_at DESC, id);
CREATE INDEX payments_status_created_at ON payments (status, created_at DESC);
CREATE INDEX payments_reference ON payments (reference);

COMMENT ON TABLE payments IS
  'Payment outcomes only, one row per attempt, projected from the call''s payment.started / payment.ended events: status, amount, reference, Pay360 ids, the card''s last four digits. Never card numbers, expiry dates or security codes (PCI DSS: card data stays with Pay360).';
