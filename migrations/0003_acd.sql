-- The ACD: queues with their settings and opening hours, agents with endpoints and skill levels, each
-- agent's state (and every change of it), callers and callbacks waiting in queues, the queue event log
-- reports and the wallboard read, and the queue half of each call record.
--
-- Realms: real traffic is realm ''. A designer's test call, a flow test or a bench runs in a realm of its
-- own ('test:<call id>', 'flowtest:<n>', 'bench:<run>') through the same tables and the same dispatch, with
-- simulated agents that exist only in that realm — so a test call never rings a real adviser, and reports
-- read realm '' only.
--
-- Every time below is written by the engine from its Clock (a parameter), never now(): tests and benches
-- run the same SQL on simulated time.

-- ───────────── queues ─────────────

ALTER TABLE queues
  -- Reports group queues by service line ("Highways", "Adult social care").
  ADD COLUMN service_line text NOT NULL DEFAULT '' CHECK (length(service_line) <= 100),
  -- Opening hours: one of the stored schedules the schedule node uses too; NULL: always open.
  ADD COLUMN schedule_id  text REFERENCES schedules (id);
CREATE INDEX queues_schedule_id ON queues (schedule_id);
CREATE INDEX queues_service_line ON queues (service_line);
-- settings (jsonb) holds the rest, validated by ONE zod schema: engine/src/queue/queue-settings.ts.

-- ───────────── agents ─────────────

ALTER TABLE agents
  -- The user an adviser signs in as (the agent desk), if any.
  ADD COLUMN user_id         text REFERENCES users (id) ON DELETE SET NULL,
  -- [{ "kind": "sip-user" | "sip-uri" | "teams" | "pstn" | "webrtc", "value": "…", "label": "…" }]
  ADD COLUMN endpoints       jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(endpoints) = 'array' AND jsonb_array_length(endpoints) <= 10),
  -- Which of the endpoints rings now (0-based).
  ADD COLUMN active_endpoint integer NOT NULL DEFAULT 0 CHECK (active_endpoint BETWEEN 0 AND 9),
  -- { "highways": 3, "welsh": 5 }: skill → level 1 (learning) … 10 (expert).
  ADD COLUMN skill_levels    jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(skill_levels) = 'object'),
  -- '' for real advisers; a test realm's simulated agents live and die with that realm.
  ADD COLUMN realm           text NOT NULL DEFAULT '' CHECK (length(realm) <= 200);

-- The one destination of before becomes the first endpoint; plain skills become level 1.
UPDATE agents SET
  endpoints = jsonb_build_array(CASE
    WHEN destination LIKE 'teams:%' THEN jsonb_build_object('kind', 'teams', 'value', substr(destination, 7))
    WHEN destination LIKE 'tel:%' THEN jsonb_build_object('kind', 'pstn', 'value', substr(destination, 5))
    ELSE jsonb_build_object('kind', 'sip-uri', 'value', destination)
  END),
  skill_levels = COALESCE((SELECT jsonb_object_agg(s, 1) FROM unnest(skills) AS s), '{}');
ALTER TABLE agents DROP COLUMN destination, DROP COLUMN skills;
ALTER TABLE agents RENAME COLUMN skill_levels TO skills;
CREATE UNIQUE INDEX agents_user_id ON agents (user_id) WHERE user_id IS NOT NULL;
CREATE INDEX agents_realm ON agents (realm) WHERE realm <> '';

-- ───────────── agent states ─────────────

-- One row per agent that has ever logged in (no row: offline). Changed only by the repository, which
-- writes agent_state_log in the same transaction.
CREATE TABLE agent_states (
  agent_id           text PRIMARY KEY REFERENCES agents (id) ON DELETE CASCADE,
  realm              text NOT NULL DEFAULT '',
  state              text NOT NULL CHECK (state IN ('available', 'ringing', 'on_call', 'wrap_up', 'break', 'offline')),
  -- Why, for break (e.g. "lunch", "missed calls") and offline.
  reason             text CHECK (length(reason) <= 200),
  since              timestamptz NOT NULL,
  -- When the agent last became free: the longest idle available agent gets the next caller.
  idle_since         timestamptz,
  -- Wrap-up ends by itself at this time (any engine's dispatch pass makes the agent available).
  wrap_ends_at       timestamptz,
  -- The queue entry the agent is ringing for or talking to, and its call.
  entry_id           text,
  call_id            text,
  queue_id           text,
  -- Offers missed in a row; at the queue's maxMissedOffers the agent is put on break "missed calls".
  missed_offers      integer NOT NULL DEFAULT 0 CHECK (missed_offers >= 0),
  -- The engine ringing the agent or holding the call: if it dies, its agents are freed.
  engine_instance_id text REFERENCES engine_instances (id),
  CHECK ((state IN ('ringing', 'on_call')) = (entry_id IS NOT NULL)),
  CHECK ((state = 'wrap_up') = (wrap_ends_at IS NOT NULL)),
  CHECK ((state = 'available') = (idle_since IS NOT NULL))
);
-- Dispatch: the longest idle available agent of a realm.
CREATE INDEX agent_states_available ON agent_states (realm, idle_since, agent_id) WHERE state = 'available';
CREATE INDEX agent_states_wrap_up ON agent_states (realm, wrap_ends_at) WHERE state = 'wrap_up';
CREATE INDEX agent_states_engine ON agent_states (engine_instance_id) WHERE engine_instance_id IS NOT NULL;
-- One agent, one caller: never two entries on one agent.
CREATE UNIQUE INDEX agent_states_one_entry ON agent_states (entry_id) WHERE entry_id IS NOT NULL;

-- Every state change, with who made it (the agent, a supervisor, or system:acd) — the agents' audit trail.
CREATE TABLE agent_state_log (
  id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  agent_id  text NOT NULL,
  realm     text NOT NULL DEFAULT '',
  at        timestamptz NOT NULL,
  state     text NOT NULL CHECK (state IN ('available', 'ringing', 'on_call', 'wrap_up', 'break', 'offline')),
  previous  text CHECK (previous IN ('available', 'ringing', 'on_call', 'wrap_up', 'break', 'offline')),
  reason    text CHECK (length(reason) <= 200),
  call_id   text,
  queue_id  text,
  actor     text NOT NULL CHECK (length(actor) > 0)
);
CREATE INDEX agent_state_log_agent ON agent_state_log (agent_id, at DESC, id DESC);
CREATE INDEX agent_state_log_realm_at ON agent_state_log (realm, at);

-- ───────────── callers and callbacks in queues ─────────────

CREATE TABLE queue_entries (
  id                 text PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 128),
  realm              text NOT NULL DEFAULT '',
  -- caller: on the line, owned by the engine holding the call. callback: the caller hung up and is to be
  -- called back, in the same place (entered_at is kept); any engine may work it.
  kind               text NOT NULL CHECK (kind IN ('caller', 'callback')),
  -- A queue with callers or callbacks still in it cannot be deleted (the repository refuses); its history goes with it.
  queue_id           text NOT NULL REFERENCES queues (id) ON DELETE CASCADE,
  call_id            text NOT NULL CHECK (length(call_id) BETWEEN 1 AND 128),
  -- Higher first (safeguarding raises it); then the earliest entered_at.
  priority           integer NOT NULL DEFAULT 0 CHECK (priority BETWEEN 0 AND 1000),
  -- { "highways": 1, "welsh": 3 }: skill → the lowest level that will do.
  skills             jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(skills) = 'object'),
  entered_at         timestamptz NOT NULL,
  -- waiting → offered (an agent rings) → connected (talking) → ended; a missed offer goes back to waiting.
  state              text NOT NULL CHECK (state IN ('waiting', 'offered', 'connected', 'ended')),
  -- The agent offered, talking, or (once ended) who answered.
  agent_id           text,
  offered_at         timestamptz,
  -- The owner reports the ring's result well before this; after it, any engine takes the offer back.
  offer_expires_at   timestamptz,
  -- How long the owner lets an agent ring (the queue's setting as this caller's engine applied it).
  ring_timeout_ms    integer NOT NULL DEFAULT 20000 CHECK (ring_timeout_ms BETWEEN 1000 AND 600000),
  -- Agents who missed this caller: offered again only when nobody else is free.
  missed_agents      text[] NOT NULL DEFAULT '{}',
  -- The engine holding the caller (or working the callback); NULL: a callback nobody is working on.
  engine_instance_id text REFERENCES engine_instances (id),
  caller_number      text NOT NULL DEFAULT '' CHECK (length(caller_number) <= 64),
  callback_number    text CHECK (length(callback_number) <= 64),
  callback_attempts  integer NOT NULL DEFAULT 0 CHECK (callback_attempts >= 0),
  -- A callback is not offered again before this (the wait between attempts).
  not_before         timestamptz,
  -- What the agent sees about the caller: flow variables, already redacted (never digits from sensitive nodes).
  context            jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(context) = 'object'),
  answered_at        timestamptz,
  ended_at           timestamptz,
  outcome            text CHECK (outcome IN ('answered', 'abandoned', 'timeout', 'overflowed', 'closed', 'exit', 'transferred',
                                             'callback_completed', 'callback_failed', 'engine_lost')),
  CHECK ((state = 'ended') = (ended_at IS NOT NULL)),
  CHECK ((state = 'ended') = (outcome IS NOT NULL)),
  CHECK ((state IN ('offered', 'connected')) <= (agent_id IS NOT NULL)),
  CHECK (kind = 'caller' OR callback_number IS NOT NULL)
);
-- Dispatch order: highest priority, then longest waiting.
CREATE INDEX queue_entries_waiting ON queue_entries (realm, priority DESC, entered_at, id) WHERE state = 'waiting';
-- Never one caller offered to (or talking with) two agents, and never two agents on one caller.
CREATE UNIQUE INDEX queue_entries_one_per_agent ON queue_entries (agent_id) WHERE state IN ('offered', 'connected');
-- A caller is in one queue at a time.
CREATE UNIQUE INDEX queue_entries_one_per_call ON queue_entries (call_id, realm) WHERE state <> 'ended';
CREATE INDEX queue_entries_engine ON queue_entries (engine_instance_id) WHERE state <> 'ended';
CREATE INDEX queue_entries_offered ON queue_entries (offer_expires_at) WHERE state = 'offered';
CREATE INDEX queue_entries_queue ON queue_entries (queue_id, entered_at DESC);
-- A caller's place: who is ahead in the same queue.
CREATE INDEX queue_entries_in_line ON queue_entries (realm, queue_id, priority DESC, entered_at, id) WHERE state IN ('waiting', 'offered');
CREATE INDEX queue_entries_call ON queue_entries (call_id);

-- ───────────── the queue event log ─────────────

-- What reports and the wallboard read, with the calls columns below. Append-only.
CREATE TABLE queue_events (
  id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  realm     text NOT NULL DEFAULT '',
  at        timestamptz NOT NULL,
  type      text NOT NULL CHECK (type IN ('entered', 'position_announced', 'callback_offered', 'callback_accepted', 'offered', 'missed',
                                          'answered', 'talk_ended', 'abandoned', 'timeout', 'overflowed', 'closed', 'left', 'transferred',
                                          'priority_raised', 'callback_dialed', 'callback_completed', 'callback_failed', 'engine_lost')),
  queue_id  text NOT NULL,
  entry_id  text,
  call_id   text,
  agent_id  text,
  -- e.g. { "position": 3 }, { "result": "noAnswer" }, { "waitSeconds": 41.2 }, { "to": "queue:housing" }
  data      jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(data) = 'object')
);
CREATE INDEX queue_events_queue_at ON queue_events (realm, queue_id, at);
CREATE INDEX queue_events_call ON queue_events (call_id, at) WHERE call_id IS NOT NULL;
CREATE INDEX queue_events_agent ON queue_events (agent_id, at) WHERE agent_id IS NOT NULL;

-- ───────────── the queue half of a call record ─────────────

ALTER TABLE calls ADD COLUMN queue_outcome text CHECK (queue_outcome IN ('answered', 'abandoned', 'overflowed', 'timeout', 'closed', 'exit',
  'callback_requested', 'callback_completed', 'callback_failed', 'transferred', 'engine_lost'));
CREATE INDEX calls_queue_outcome ON calls (queue_outcome, started_at DESC) WHERE queue_outcome IS NOT NULL;

-- ───────────── dispatch ─────────────

-- One dispatch pass for a realm at p_now (the engine's clock): offers waiting callers, highest priority
-- then longest waiting, to the longest idle available agent who serves the queue and has the skills.
-- Entries and agents are claimed FOR UPDATE SKIP LOCKED, so several engines may run passes at once and
-- none waits for another; an entry and its agent change state in the same transaction. An agent who
-- missed a caller is offered that caller again only when no one else is free. Callbacks nobody is
-- working on are taken by the dispatching engine (p_engine) if it places calls (p_callbacks). An offer for a caller another engine holds is
-- sent to it on the frontdoor_acd channel (NOTIFY, delivered when the pass commits). Returns the offers made.
CREATE FUNCTION acd_dispatch(p_realm text, p_now timestamptz, p_engine text, p_limit integer, p_callbacks boolean)
RETURNS TABLE (entry_id text, agent_id text, engine_instance_id text, call_id text, queue_id text, kind text, offered_at timestamptz, offer_expires_at timestamptz)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
  e record;
  chosen text;
  owner text;
  expires timestamptz;
  made integer := 0;
  hopeless text[] := '{}';
  combination text;
BEGIN
  -- Wrap-ups that have run their time end here, whoever set them going.
  WITH ended AS (
    UPDATE agent_states s SET state = 'available', since = s.wrap_ends_at, idle_since = s.wrap_ends_at, wrap_ends_at = NULL
    WHERE s.realm = p_realm AND s.state = 'wrap_up' AND s.wrap_ends_at <= p_now
    RETURNING s.agent_id, s.wrap_ends_at AS at, s.since
  )
  INSERT INTO agent_state_log (agent_id, realm, at, state, previous, actor)
  SELECT ended.agent_id, p_realm, ended.since, 'available', 'wrap_up', 'system:acd' FROM ended;

  IF NOT EXISTS (SELECT 1 FROM agent_states s WHERE s.realm = p_realm AND s.state = 'available') THEN
    RETURN;
  END IF;

  FOR e IN
    SELECT q.id, q.queue_id, q.skills, q.call_id, q.kind, q.engine_instance_id, q.ring_timeout_ms, q.missed_agents, q.entered_at
    FROM queue_entries q
    WHERE q.realm = p_realm AND q.state = 'waiting' AND (q.not_before IS NULL OR q.not_before <= p_now)
      AND (q.engine_instance_id IS NOT NULL OR p_callbacks)
    ORDER BY q.priority DESC, q.entered_at, q.id
    FOR UPDATE SKIP LOCKED
  LOOP
    combination := e.queue_id || ' ' || e.skills::text;
    CONTINUE WHEN combination = ANY (hopeless);
    SELECT s.agent_id INTO chosen
    FROM agent_states s
    JOIN agents a ON a.id = s.agent_id
    WHERE s.realm = p_realm AND s.state = 'available'
      AND EXISTS (SELECT 1 FROM agent_queues aq WHERE aq.agent_id = s.agent_id AND aq.queue_id = e.queue_id)
      AND NOT EXISTS (
        SELECT 1 FROM jsonb_each_text(e.skills) AS need (skill, level)
        WHERE COALESCE((a.skills ->> need.skill)::integer, 0) < need.level::integer
      )
    ORDER BY (s.agent_id = ANY (e.missed_agents)), s.idle_since, s.agent_id
    LIMIT 1
    FOR UPDATE OF s SKIP LOCKED;
    IF chosen IS NULL THEN
      hopeless := hopeless || combination;
      CONTINUE;
    END IF;
    owner := COALESCE(e.engine_instance_id, p_engine);
    expires := p_now + make_interval(secs => (e.ring_timeout_ms + 30000) / 1000.0);
    UPDATE queue_entries q SET state = 'offered', agent_id = chosen, offered_at = p_now, offer_expires_at = expires,
      engine_instance_id = owner
    WHERE q.id = e.id;
    UPDATE agent_states s SET state = 'ringing', since = p_now, idle_since = NULL, entry_id = e.id, call_id = e.call_id,
      queue_id = e.queue_id, engine_instance_id = owner, reason = NULL
    WHERE s.agent_id = chosen;
    INSERT INTO agent_state_log (agent_id, realm, at, state, previous, call_id, queue_id, actor)
    VALUES (chosen, p_realm, p_now, 'ringing', 'available', e.call_id, e.queue_id, 'system:acd');
    INSERT INTO queue_events (realm, at, type, queue_id, entry_id, call_id, agent_id, data)
    VALUES (p_realm, p_now, 'offered', e.queue_id, e.id, e.call_id, chosen,
            jsonb_build_object('waitSeconds', round(extract(epoch FROM p_now - e.entered_at)::numeric, 3), 'kind', e.kind));
    entry_id := e.id; agent_id := chosen; engine_instance_id := owner; call_id := e.call_id; queue_id := e.queue_id;
    kind := e.kind; offered_at := p_now; offer_expires_at := expires;
    IF owner <> p_engine THEN
      PERFORM pg_notify('frontdoor_acd', json_build_object('kind', 'offer', 'realm', p_realm, 'offer', json_build_object(
        'entryId', e.id, 'agentId', chosen, 'engineInstanceId', owner, 'callId', e.call_id, 'queueId', e.queue_id, 'kind', e.kind,
        'offeredAt', p_now, 'offerExpiresAt', expires))::text);
    END IF;
    RETURN NEXT;
    made := made + 1;
    EXIT WHEN made >= p_limit;
    EXIT WHEN NOT EXISTS (SELECT 1 FROM agent_states s WHERE s.realm = p_realm AND s.state = 'available');
  END LOOP;
END $$;
