-- Reporting (issue 14): roll-ups that keep history fast over millions of calls, and the indexes the
-- report queries need. Every figure is defined once, in engine/src/reporting/ (SQL), and docs/reporting.md
-- says what each means. Roll-ups are derived data: deleting their rows makes the next roll-up run
-- compute them again from queue_entries, agent_state_log, calls and call_events.
--
-- Times: buckets are half-hours as instants (timestamptz). Europe/London's offsets are whole hours, so a
-- half-hour is the same half-hour in UTC and local time, and the clock-change days simply have 46 or 50
-- of them; days, weeks and months are cut in Europe/London when a report is asked for.

-- ───────────── queue figures per half-hour ─────────────

CREATE TABLE report_queue_half_hours (
  queue_id            text NOT NULL,
  -- Start of the half-hour in which the callers joined the queue.
  bucket              timestamptz NOT NULL,
  -- The queue's service line when the half-hour was rolled up.
  service_line        text NOT NULL,
  offered             integer NOT NULL,
  answered            integer NOT NULL,
  -- answered_within[i]: callers answered within report_wait_ladder()[i] seconds.
  answered_within     integer[] NOT NULL,
  abandoned           integer NOT NULL,
  -- abandoned_under[i]: callers who hung up within report_short_abandon_ladder()[i] seconds (short abandons).
  abandoned_under     integer[] NOT NULL,
  overflowed          integer NOT NULL,
  closed              integer NOT NULL,
  left_queue          integer NOT NULL,
  lost                integer NOT NULL,
  callbacks_requested integer NOT NULL,
  callbacks_completed integer NOT NULL,
  callbacks_failed    integer NOT NULL,
  -- Seconds: waits of answered callers; every caller's time on the line in the queue (for patience).
  answer_wait_sum     double precision NOT NULL,
  queue_time_sum      double precision NOT NULL,
  longest_wait        double precision,
  -- Calls an adviser finished (talk ended), their talk and wrap-up.
  handled             integer NOT NULL,
  talk_sum            double precision NOT NULL,
  wrap_sum            double precision NOT NULL,
  -- Answered callers whose number is known, and repeat_within[d]: how many rang again within d days (d = 1 … 28).
  identified          integer NOT NULL,
  repeat_within       integer[] NOT NULL,
  rolled_at           timestamptz NOT NULL,
  PRIMARY KEY (queue_id, bucket)
);
CREATE INDEX report_queue_half_hours_bucket ON report_queue_half_hours (bucket);
CREATE INDEX report_queue_half_hours_line ON report_queue_half_hours (service_line, bucket);

-- The same figures per Europe/London day (bucket = the day's local midnight), so a year by month reads
-- 365 rows per queue, not 17,520.
CREATE TABLE report_queue_days (LIKE report_queue_half_hours INCLUDING ALL);
CREATE INDEX report_queue_days_line ON report_queue_days (service_line, bucket);

-- ───────────── calls (the IVR's share) per half-hour ─────────────

CREATE TABLE report_call_half_hours (
  flow_id      text NOT NULL,
  bucket       timestamptz NOT NULL,
  calls        integer NOT NULL,
  -- Ended by the flow without reaching a queue or a person.
  contained    integer NOT NULL,
  -- Hung up in the IVR before reaching a queue or a person.
  ivr_hangups  integer NOT NULL,
  queued       integer NOT NULL,
  transferred  integer NOT NULL,
  rolled_at    timestamptz NOT NULL,
  PRIMARY KEY (flow_id, bucket)
);
CREATE INDEX report_call_half_hours_bucket ON report_call_half_hours (bucket);

-- ───────────── flow analytics per day ─────────────

-- One row per (flow version, Europe/London day of the call's start, node, figure, detail): node visits,
-- exits taken (detail = the exit), inputs by kind, hang-ups at the node, seconds spent in it.
CREATE TABLE report_flow_days (
  flow_id      text NOT NULL,
  flow_version integer NOT NULL,
  day          date NOT NULL,
  node_id      text NOT NULL,
  figure       text NOT NULL CHECK (figure IN ('visits', 'exit', 'exitCalls', 'noInput', 'digits', 'speech', 'hangup', 'seconds')),
  detail       text NOT NULL DEFAULT '',
  value        double precision NOT NULL,
  PRIMARY KEY (flow_id, flow_version, day, node_id, figure, detail)
);

-- ───────────── how far the roll-ups have got ─────────────

CREATE TABLE report_rollups (
  name          text PRIMARY KEY CHECK (name IN ('queues', 'queueDays', 'calls', 'flows')),
  -- Everything before this instant is rolled up (half-hours for queues and calls, whole days for flows).
  through       timestamptz NOT NULL,
  -- When the last 28 days were rolled up again (repeat callers become final only 28 days later).
  refreshed_at  timestamptz
);

-- The answer-time thresholds the roll-up counts (a threshold off this list is counted from the records, slower).
CREATE FUNCTION report_wait_ladder() RETURNS integer[] LANGUAGE sql IMMUTABLE AS
$$ SELECT ARRAY[5, 10, 15, 20, 25, 30, 40, 45, 60, 90, 120, 150, 180, 240, 300, 600, 900, 1200, 1800, 3600] $$;
CREATE FUNCTION report_short_abandon_ladder() RETURNS integer[] LANGUAGE sql IMMUTABLE AS
$$ SELECT ARRAY[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 15, 20, 30, 45, 60, 90, 120] $$;

-- ───────────── indexes the report queries use ─────────────

-- Real callers in a queue by the time they joined (history, today's figures, the wallboard).
CREATE INDEX queue_entries_realm_entered ON queue_entries (realm, entered_at);
-- The wallboard: who is waiting now, per queue.
CREATE INDEX queue_entries_open ON queue_entries (realm, queue_id, entered_at) WHERE state <> 'ended';
-- Wrap-up after a call, found from the call.
CREATE INDEX agent_state_log_call ON agent_state_log (call_id) WHERE call_id IS NOT NULL;
-- Repeat callers: the same number's later calls.
CREATE INDEX calls_from_started ON calls (from_number, started_at) WHERE kind = 'phone';
-- The IVR's share and flow analytics: real calls by start.
CREATE INDEX calls_phone_started ON calls (started_at) WHERE kind = 'phone';
-- The IVR's share: calls put through to a person. Without it every report of all queues read the whole event
-- log for this one event type (a second per million calls, BENCHMARKS.md); with it, only these rows.
CREATE INDEX call_events_agent_connected ON call_events (call_id) WHERE type = 'agent.connected';

-- ───────────── watchers hear of changes at once ─────────────

-- Every statement that writes queue events or agent state changes of the real realm ('') sends the ACD
-- signal {"kind":"changed","realm":""} (ports/acd.ts AcdSignal) on the ACD's channel, so the wallboard, the
-- desk and the team view on every engine look again at once instead of at their next poll. Per statement,
-- not per row (a dispatch pass or a bulk load is one signal), and PostgreSQL folds identical notifications
-- of one transaction into one; delivered when the transaction commits. Test realms send nothing.
CREATE FUNCTION acd_notify_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM written WHERE realm = '') THEN
    PERFORM pg_notify('frontdoor_acd', '{"kind":"changed","realm":""}');
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER queue_events_changed AFTER INSERT ON queue_events REFERENCING NEW TABLE AS written
  FOR EACH STATEMENT EXECUTE FUNCTION acd_notify_changed();
CREATE TRIGGER agent_state_log_changed AFTER INSERT ON agent_state_log REFERENCING NEW TABLE AS written
  FOR EACH STATEMENT EXECUTE FUNCTION acd_notify_changed();
