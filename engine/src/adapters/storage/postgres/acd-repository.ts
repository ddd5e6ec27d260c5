/**
 * The ACD's callers and callbacks in queues (ports/acd.ts AcdRepository): each change of an entry, of
 * the agent it concerns, of the queue event log and of the call record happens in ONE transaction, the
 * entry's row locked before the agent's (everywhere, so two changes never wait on each other in a ring).
 * Dispatch itself is acd_dispatch (migration 0003). Times come from the caller's clock.
 */
import type pg from 'pg';
import type { AcdRepository, AcdSignal, AgentStateName, CallQueueOutcome, QueueEntryOutcome } from '../../../ports/acd.js';
import { lockAgentState, writeAgentState } from './agent-state-repository.js';
import { acdReads } from './acd-reads.js';
import { ENTRY_COLUMNS, entryOf, lockEntry, logQueueEvent, offerOf, secondsBetween, type EntryRow, type OfferRow } from './acd-rows.js';
import { inTransaction } from './database.js';
import { isPgError, PG_FOREIGN_KEY_VIOLATION, PG_UNIQUE_VIOLATION, type Queryable } from './sql.js';

const ACD = 'system:acd';

/** Where an agent goes when the caller they were ringing for or talking to is done with them. */
type AgentNext = { state: 'available' } | { state: 'wrap_up'; wrapEndsAt: Date } | { state: 'break'; reason: string };

/**
 * Moves the agent tied to `entry` (ringing for it or talking to it) on to `next`. Does nothing when the
 * agent has moved on already (an engine-lost sweep, an expired offer). Returns the state written.
 */
export async function releaseAgent(
  q: Queryable,
  entry: EntryRow,
  agentId: string,
  at: Date,
  next: AgentNext,
): Promise<AgentStateName | undefined> {
  const agent = await lockAgentState(q, agentId);
  if (!agent || agent.entryId !== entry.id) return undefined;
  await writeAgentState(q, {
    agentId,
    realm: agent.realm,
    state: next.state,
    previous: agent.state,
    at,
    actor: ACD,
    ...(next.state === 'wrap_up' ? { wrapEndsAt: next.wrapEndsAt } : {}),
    ...(next.state === 'break' ? { reason: next.reason } : {}),
    about: { callId: entry.call_id, queueId: entry.queue_id },
  });
  return next.state;
}

/**
 * The queue half of the call record (a flow test's scratch realm has no call rows: nothing to update).
 * Every step writes the queue again: a call whose record was still being started when it joined gets it.
 */
export async function recordOnCall(
  q: Queryable,
  callId: string,
  changes: { queueId?: string; agentId?: string; waitSeconds?: number; talkSeconds?: number; queueOutcome?: CallQueueOutcome },
): Promise<void> {
  await q.query(
    `UPDATE calls SET queue_id = COALESCE($2, queue_id), agent_id = COALESCE($3, agent_id), wait_seconds = COALESCE($4, wait_seconds),
       talk_seconds = COALESCE($5, talk_seconds), queue_outcome = COALESCE($6, queue_outcome) WHERE id = $1`,
    [callId, changes.queueId ?? null, changes.agentId ?? null, seconds(changes.waitSeconds), seconds(changes.talkSeconds), changes.queueOutcome ?? null],
  );
}

/** Seconds as calls' numeric(10, 3) columns hold them (a wait of more than 115 days is kept at the most). */
const seconds = (value: number | undefined): number | null => (value === undefined ? null : Math.min(value, 9_999_999));

export async function endEntry(q: Queryable, entryId: string, outcome: QueueEntryOutcome, at: Date): Promise<void> {
  await q.query(`UPDATE queue_entries SET state = 'ended', outcome = $2, ended_at = GREATEST($3, entered_at), offer_expires_at = NULL WHERE id = $1`, [
    entryId,
    outcome,
    at,
  ]);
}

const wrapUp = (at: Date, seconds: number): AgentNext => (seconds > 0 ? { state: 'wrap_up', wrapEndsAt: new Date(at.getTime() + seconds * 1000) } : { state: 'available' });

export function acdRepository(pool: pg.Pool, signal: (signal: AcdSignal) => void): AcdRepository {
  const wake = (realm: string) => signal({ kind: 'wake', realm });
  return {
    ...acdReads(pool),

    async enter(entry) {
      try {
        // One statement: the entry, its 'entered' event and the call record's queue.
        const { rows } = await pool.query<EntryRow>(
          `WITH entered AS (
             INSERT INTO queue_entries (id, realm, kind, queue_id, call_id, priority, skills, entered_at, state, engine_instance_id, caller_number, ring_timeout_ms, context)
             VALUES ($1, $2, 'caller', $3, $4, $5, $6, $7, 'waiting', $8, $9, $10, $11) RETURNING ${ENTRY_COLUMNS}
           ), logged AS (
             INSERT INTO queue_events (realm, at, type, queue_id, entry_id, call_id, data)
             SELECT realm, entered_at, 'entered', queue_id, id, call_id, jsonb_build_object('priority', priority) FROM entered
           ), recorded AS (
             UPDATE calls SET queue_id = $3 WHERE id = $4
           )
           SELECT * FROM entered`,
          [
            entry.id,
            entry.realm,
            entry.queueId,
            entry.callId,
            entry.priority,
            JSON.stringify(entry.skills),
            entry.enteredAt,
            entry.engineInstanceId,
            entry.callerNumber,
            entry.ringTimeoutMs,
            JSON.stringify(entry.context),
          ],
        );
        wake(entry.realm);
        return { kind: 'entered', entry: entryOf(rows[0]!) };
      } catch (error) {
        if (isPgError(error, PG_UNIQUE_VIOLATION) && error.constraint === 'queue_entries_one_per_call') return { kind: 'alreadyQueued' };
        if (isPgError(error, PG_FOREIGN_KEY_VIOLATION) && error.constraint === 'queue_entries_queue_id_fkey') return { kind: 'queueNotFound', queueId: entry.queueId };
        throw error;
      }
    },

    async dispatch(realm, at, engineInstanceId, limit, takeCallbacks) {
      const { rows } = await pool.query<OfferRow>('SELECT * FROM acd_dispatch($1, $2, $3, $4, $5)', [realm, at, engineInstanceId, limit, takeCallbacks]);
      const offers = rows.map(offerOf);
      // Offers for callers another engine holds went to it by NOTIFY as the pass committed.
      for (const offer of offers) signal({ kind: 'offer', realm, offer });
      return offers;
    },

    async offersFor(engineInstanceId, realm) {
      const { rows } = await pool.query<OfferRow>(
        `SELECT id AS entry_id, agent_id, engine_instance_id, call_id, queue_id, kind, offered_at, offer_expires_at FROM queue_entries
         WHERE engine_instance_id = $1 AND realm = $2 AND state = 'offered' ORDER BY offered_at, id`,
        [engineInstanceId, realm],
      );
      return rows.map(offerOf);
    },

    async answered(entryId, agentId, at) {
      return inTransaction(pool, async (client) => {
        const entry = await lockEntry(client, entryId);
        if (!entry || entry.state !== 'offered' || entry.agent_id !== agentId) return { kind: 'gone' as const };
        const { rows } = await client.query<EntryRow>(`UPDATE queue_entries SET state = 'connected', answered_at = $2 WHERE id = $1 RETURNING ${ENTRY_COLUMNS}`, [entryId, at]);
        const agent = await lockAgentState(client, agentId);
        if (agent?.entryId === entryId) {
          await writeAgentState(client, {
            agentId,
            realm: agent.realm,
            state: 'on_call',
            previous: agent.state,
            at,
            actor: ACD,
            missedOffers: 0,
            entry: { entryId, callId: entry.call_id, queueId: entry.queue_id, engineInstanceId: entry.engine_instance_id ?? '' },
          });
        }
        const waitSeconds = secondsBetween(entry.entered_at, at);
        await logQueueEvent(client, { realm: entry.realm, at, type: 'answered', queueId: entry.queue_id, entryId, callId: entry.call_id, agentId, data: { waitSeconds } });
        if (entry.kind === 'caller') await recordOnCall(client, entry.call_id, { queueId: entry.queue_id, agentId, waitSeconds, queueOutcome: 'answered' });
        return { kind: 'connected' as const, entry: entryOf(rows[0]!) };
      });
    },

    async missed(entryId, agentId, result, at, { maxMissedOffers }) {
      const outcome = await inTransaction(pool, async (client) => {
        const entry = await lockEntry(client, entryId);
        const mine = entry && entry.state === 'offered' && entry.agent_id === agentId;
        if (mine) {
          await client.query(
            `UPDATE queue_entries SET state = 'waiting', agent_id = NULL, offered_at = NULL, offer_expires_at = NULL,
               missed_agents = array_append(array_remove(missed_agents, $2), $2),
               engine_instance_id = CASE WHEN kind = 'callback' THEN NULL ELSE engine_instance_id END
             WHERE id = $1`,
            [entryId, agentId],
          );
          await logQueueEvent(client, { realm: entry.realm, at, type: 'missed', queueId: entry.queue_id, entryId, callId: entry.call_id, agentId, data: { result } });
        }
        let agentNow: 'available' | 'break' = 'available';
        const agent = entry ? await lockAgentState(client, agentId) : undefined;
        if (entry && agent?.entryId === entryId) {
          const inARow = agent.missedOffers + 1;
          agentNow = inARow >= maxMissedOffers ? 'break' : 'available';
          await writeAgentState(client, {
            agentId,
            realm: agent.realm,
            state: agentNow,
            previous: agent.state,
            at,
            actor: ACD,
            missedOffers: inARow,
            ...(agentNow === 'break' ? { reason: 'missed calls' } : {}),
            about: { callId: entry.call_id, queueId: entry.queue_id },
          });
        }
        return { kind: 'missed' as const, agent: agentNow, entry: mine ? ('waiting' as const) : ('gone' as const), realm: entry?.realm };
      });
      if (outcome.realm !== undefined) wake(outcome.realm);
      return { kind: outcome.kind, agent: outcome.agent, entry: outcome.entry };
    },

    async talkEnded(entryId, at, end) {
      // One statement (it is on the way from one caller to the next): the entry ends, its agent wraps up
      // (or is free at once), both logged, the call record gets its talk time and queue outcome.
      const { rows } = await pool.query<{ realm: string; agent_state: AgentStateName | null }>(
        `WITH e AS (
           SELECT * FROM queue_entries WHERE id = $1 AND state = 'connected' AND agent_id IS NOT NULL FOR UPDATE
         ), ended AS (
           UPDATE queue_entries q SET state = 'ended', outcome = $3, ended_at = GREATEST($2, q.entered_at), offer_expires_at = NULL
           FROM e WHERE q.id = e.id RETURNING q.id
         ), a AS (
           SELECT s.* FROM agent_states s JOIN e ON s.agent_id = e.agent_id AND s.entry_id = e.id FOR UPDATE OF s
         ), freed AS (
           UPDATE agent_states s SET
             state = CASE WHEN $5::integer > 0 THEN 'wrap_up' ELSE 'available' END, since = $2, reason = NULL,
             idle_since = CASE WHEN $5::integer > 0 THEN NULL ELSE $2::timestamptz END,
             wrap_ends_at = CASE WHEN $5::integer > 0 THEN $2::timestamptz + make_interval(secs => $5::integer) END,
             entry_id = NULL, call_id = NULL, queue_id = NULL, engine_instance_id = NULL
           FROM a WHERE s.agent_id = a.agent_id RETURNING s.agent_id, s.state, a.state AS previous, a.realm
         ), agent_logged AS (
           INSERT INTO agent_state_log (agent_id, realm, at, state, previous, call_id, queue_id, actor)
           SELECT f.agent_id, f.realm, $2, f.state, f.previous, e.call_id, e.queue_id, '${ACD}' FROM freed f, e
         ), talk_logged AS (
           INSERT INTO queue_events (realm, at, type, queue_id, entry_id, call_id, agent_id, data)
           SELECT e.realm, $2, t.type, e.queue_id, e.id, e.call_id, e.agent_id, t.data FROM e,
             (VALUES ('talk_ended', jsonb_build_object('talkSeconds', $4::numeric, 'wrapUpSeconds', $5::integer)),
                     ('transferred', jsonb_build_object('to', $6::text))) AS t (type, data)
           WHERE t.type = 'talk_ended' OR $3 = 'transferred'
         ), recorded AS (
           UPDATE calls c SET queue_id = e.queue_id, talk_seconds = LEAST($4::numeric, 9999999), queue_outcome = $3 FROM e WHERE c.id = e.call_id
         )
         SELECT e.realm, (SELECT state FROM freed) AS agent_state FROM e`,
        [entryId, at, end.outcome, end.talkSeconds, end.wrapUpSeconds, end.to ?? ''],
      );
      const row = rows[0];
      if (row?.agent_state === 'available') wake(row.realm);
    },

    async leave(entryId, how, at, data = {}) {
      const result = await inTransaction(pool, async (client) => {
        const entry = await lockEntry(client, entryId);
        if (!entry || entry.state === 'ended' || entry.state === 'connected') return { kind: 'gone' as const };
        await endEntry(client, entryId, how, at);
        const ringing = entry.state === 'offered' ? entry.agent_id : null;
        const freed = ringing ? await releaseAgent(client, entry, ringing, at, { state: 'available' }) : undefined;
        const waitSeconds = secondsBetween(entry.entered_at, at);
        const type = how === 'exit' ? 'left' : how;
        await logQueueEvent(client, {
          realm: entry.realm,
          at,
          type,
          queueId: entry.queue_id,
          entryId,
          callId: entry.call_id,
          ...(ringing ? { agentId: ringing } : {}),
          data: { ...data, waitSeconds, ...(ringing ? { whileRinging: ringing } : {}) },
        });
        await recordOnCall(client, entry.call_id, { queueId: entry.queue_id, waitSeconds, queueOutcome: how });
        return { kind: 'left' as const, waitSeconds, realm: freed ? entry.realm : undefined };
      });
      if (result.kind === 'gone') return result;
      if (result.realm !== undefined) wake(result.realm);
      return { kind: 'left', waitSeconds: result.waitSeconds };
    },

    async toCallback(entryId, number, at) {
      return inTransaction(pool, async (client) => {
        const entry = await lockEntry(client, entryId);
        if (!entry || entry.state !== 'waiting' || entry.kind !== 'caller') return { kind: 'gone' as const };
        const { rows } = await client.query<EntryRow>(
          `UPDATE queue_entries SET kind = 'callback', callback_number = $2, engine_instance_id = NULL WHERE id = $1 RETURNING ${ENTRY_COLUMNS}`,
          [entryId, number],
        );
        await logQueueEvent(client, { realm: entry.realm, at, type: 'callback_accepted', queueId: entry.queue_id, entryId, callId: entry.call_id, data: { number } });
        await recordOnCall(client, entry.call_id, { queueId: entry.queue_id, waitSeconds: secondsBetween(entry.entered_at, at), queueOutcome: 'callback_requested' });
        return { kind: 'callback' as const, entry: entryOf(rows[0]!) };
      });
    },

    async callbackAttempt(entryId, at, result) {
      const realm = await inTransaction(pool, async (client) => {
        const entry = await lockEntry(client, entryId);
        if (!entry || entry.kind !== 'callback' || entry.state !== 'connected' || !entry.agent_id) return undefined;
        const agentId = entry.agent_id;
        const event = { realm: entry.realm, at, queueId: entry.queue_id, entryId, callId: entry.call_id, agentId };
        if (result.kind === 'completed') {
          await endEntry(client, entryId, 'callback_completed', at);
          const next = await releaseAgent(client, entry, agentId, at, wrapUp(at, result.wrapUpSeconds));
          await logQueueEvent(client, { ...event, type: 'callback_completed', data: { talkSeconds: result.talkSeconds, wrapUpSeconds: result.wrapUpSeconds, attempts: entry.callback_attempts + 1 } });
          await recordOnCall(client, entry.call_id, { agentId, talkSeconds: result.talkSeconds, queueOutcome: 'callback_completed' });
          return next === 'available' ? entry.realm : undefined;
        }
        const attempts = entry.callback_attempts + 1;
        const final = !result.retryAt;
        await client.query('UPDATE queue_entries SET callback_attempts = $2 WHERE id = $1', [entryId, attempts]);
        if (final) await endEntry(client, entryId, 'callback_failed', at);
        else {
          // Waits again in the same place (entered_at is kept), from retryAt.
          await client.query(
            `UPDATE queue_entries SET state = 'waiting', agent_id = NULL, offered_at = NULL, offer_expires_at = NULL, answered_at = NULL,
               engine_instance_id = NULL, not_before = $2 WHERE id = $1`,
            [entryId, result.retryAt],
          );
        }
        await releaseAgent(client, entry, agentId, at, { state: 'available' });
        await logQueueEvent(client, { ...event, type: 'callback_failed', data: { reason: result.reason, attempts, final, ...(result.retryAt ? { retryAt: result.retryAt.toISOString() } : {}) } });
        if (final) await recordOnCall(client, entry.call_id, { queueOutcome: 'callback_failed' });
        return entry.realm;
      });
      if (realm !== undefined) wake(realm);
    },

    async raisePriority(entryId, priority, at) {
      const realm = await inTransaction(pool, async (client) => {
        const entry = await lockEntry(client, entryId);
        if (!entry || entry.state === 'ended' || entry.priority >= priority) return undefined;
        await client.query('UPDATE queue_entries SET priority = $2 WHERE id = $1', [entryId, priority]);
        await logQueueEvent(client, { realm: entry.realm, at, type: 'priority_raised', queueId: entry.queue_id, entryId, callId: entry.call_id, data: { from: entry.priority, to: priority } });
        return entry.realm;
      });
      if (realm !== undefined) wake(realm);
    },

    async endWrapUp(agentId, at) {
      const realm = await inTransaction(pool, async (client) => {
        const agent = await lockAgentState(client, agentId);
        if (agent?.state !== 'wrap_up') return undefined;
        await writeAgentState(client, { agentId, realm: agent.realm, state: 'available', previous: 'wrap_up', at, actor: ACD });
        return agent.realm;
      });
      if (realm === undefined) return false;
      wake(realm);
      return true;
    },

    async expireOffers(realm, at) {
      const expired = await inTransaction(pool, async (client) => {
        const { rows } = await client.query<EntryRow>(
          `SELECT ${ENTRY_COLUMNS} FROM queue_entries WHERE realm = $1 AND state = 'offered' AND offer_expires_at <= $2 ORDER BY id FOR UPDATE SKIP LOCKED`,
          [realm, at],
        );
        for (const entry of rows) {
          await client.query(
            `UPDATE queue_entries SET state = 'waiting', agent_id = NULL, offered_at = NULL, offer_expires_at = NULL,
               engine_instance_id = CASE WHEN kind = 'callback' THEN NULL ELSE engine_instance_id END WHERE id = $1`,
            [entry.id],
          );
          await releaseAgent(client, entry, entry.agent_id!, at, { state: 'available' });
          await logQueueEvent(client, { realm, at, type: 'missed', queueId: entry.queue_id, entryId: entry.id, callId: entry.call_id, agentId: entry.agent_id!, data: { result: 'expired' } });
        }
        return rows.length;
      });
      if (expired > 0) wake(realm);
      return expired;
    },

    async addSimulatedAgents(realm, agents, at) {
      if (!realm) throw new RangeError('simulated agents belong to a test realm, not to real traffic');
      // One statement: the agents, the queues they serve, and their first state (logged) when given.
      await pool.query(
        `WITH given AS (
           SELECT * FROM unnest($2::text[], $3::text[], $4::jsonb[], $5::jsonb[], $6::text[], $7::text[])
             AS g (id, name, skills, queue_ids, state, reason)
         ), added AS (
           INSERT INTO agents (id, name, realm, skills) SELECT id, name, $1, skills FROM given RETURNING id
         ), serving AS (
           INSERT INTO agent_queues (agent_id, queue_id)
           SELECT DISTINCT g.id, q.queue_id FROM given g JOIN added USING (id), jsonb_array_elements_text(g.queue_ids) AS q (queue_id)
         ), states AS (
           INSERT INTO agent_states (agent_id, realm, state, reason, since, idle_since)
           SELECT g.id, $1, g.state, g.reason, $8, CASE WHEN g.state = 'available' THEN $8::timestamptz END
           FROM given g JOIN added USING (id) WHERE g.state IS NOT NULL
         )
         INSERT INTO agent_state_log (agent_id, realm, at, state, reason, actor)
         SELECT g.id, $1, $8, g.state, g.reason, 'system:simulator' FROM given g JOIN added USING (id) WHERE g.state IS NOT NULL`,
        [
          realm,
          agents.map((a) => a.id),
          agents.map((a) => a.name),
          agents.map((a) => JSON.stringify(a.skills)),
          agents.map((a) => JSON.stringify(a.queueIds)),
          agents.map((a) => a.state?.state ?? null),
          agents.map((a) => (a.state?.state === 'break' ? a.state.reason : null)),
          at ?? new Date(0),
        ],
      );
      if (agents.some((a) => a.state?.state === 'available')) wake(realm);
    },

    async closeRealm(realm) {
      if (!realm) throw new RangeError('real traffic is never closed');
      await pool.query(
        `WITH ended AS (
           UPDATE queue_entries SET state = 'ended', outcome = 'exit', ended_at = GREATEST(entered_at, COALESCE(offered_at, entered_at))
           WHERE realm = $1 AND state <> 'ended'
         )
         DELETE FROM agents WHERE realm = $1`,
        [realm],
      );
    },
  };
}
