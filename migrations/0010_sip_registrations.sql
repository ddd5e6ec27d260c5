-- Agents' SIP phone registrations, shared by every engine behind one drachtio-server: whichever engine
-- took a phone's REGISTER writes its binding here, and any engine ringing the agent reads it. One row per
-- binding (agent + contact). Times come from the engine's Clock (parameters), never now(). No foreign key
-- to agents: a phone may belong to an agent named only in the config file (telephony.agents.users).
CREATE TABLE sip_registrations (
  agent_id           text NOT NULL CHECK (length(agent_id) BETWEEN 1 AND 200),
  contact            text NOT NULL CHECK (contact ~ '^sips?:' AND length(contact) <= 1000),
  username           text NOT NULL CHECK (length(username) BETWEEN 1 AND 200),
  registered_at      timestamptz NOT NULL,
  expires_at         timestamptz NOT NULL,
  user_agent         text CHECK (length(user_agent) <= 200),
  source             text CHECK (length(source) <= 200),
  engine_instance_id text,
  PRIMARY KEY (agent_id, contact)
);
CREATE INDEX sip_registrations_expires_at ON sip_registrations (expires_at);
