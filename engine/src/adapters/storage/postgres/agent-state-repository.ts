import type pg from 'pg';
import type { AcdSignal, AgentState, AgentStateChange, AgentStateName, AgentStateRepository, PresenceChange } from '../../../ports/acd.js';
import type { Actor } from '../../../ports/store.js';
import { inTransaction } from './database.js';
import { opt, pagedQuery, Where, type Queryable } from './sql.js';

export interface AgentStateRow {
  agent_id: string;
  realm: string;
  state: AgentStateName | null;
  reason: string | null;
  since: Date | null;
  idle_since: Date | null;
  wrap_ends_at: Date | null;
  entry_id: string | null;
  call_id: string | null;
  queue_id: string | null;
  missed_offers: number | null;
  engine_instance_id: string | null;
}

/** Every agent with its state row, if any (no row: never logged in, offline). */
export const AGENT_STATE_SELECT = `SELECT a.id AS agent_id, a.realm, s.state, s.reason, s.since, s.idle_since, s.wrap_ends_at, s.entry_id, s.call_id,
  s.queue_id, s.missed_offers, s.engine_instance_id FROM agents a LEFT JOIN agent_states s ON s.agent_id = a.id`;

export function agentStateOf(row: AgentStateRow): AgentState {
  return {
    agentId: row.agent_id,
    state: row.state ?? 'offline',
    reason: opt(row.reason),
    since: opt(row.since),
    idleSince: opt(row.idle_since),
    wrapEndsAt: opt(row.wrap_ends_at),
    callId: opt(row.call_id),
    queueId: opt(row.queue_id),
    entryId: opt(row.entry_id),
    missedOffers: row.missed_offers ?? 0,
    engineInstanceId: opt(row.engine_instance_id),
  };
}

/**
 * Writes an agent's new state and its log row (call inside a transaction holding the agent's row).
 * The state columns that do not belong to the new state are cleared.
 */
export async function writeAgentState(
  q: Queryable,
  change: {
    agentId: string;
    realm: string;
    state: AgentStateName;
    previous: AgentStateName | undefined;
    at: Date;
    actor: Actor;
    reason?: string;
    wrapEndsAt?: Date;
    missedOffers?: number;
    entry?: { entryId: string; callId: string; queueId: string; engineInstanceId: string };
    /** The log row's call and queue when there is no entry (e.g. wrap-up after a call). */
    about?: { callId?: string; queueId?: string };
  },
): Promise<void> {
  const { agentId, realm, state, at, entry } = change;
  await q.query(
    `INSERT INTO agent_states (agent_id, realm, state, reason, since, idle_since, wrap_ends_at, entry_id, call_id, queue_id, missed_offers, engine_instance_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, COALESCE($11, 0), $12)
     ON CONFLICT (agent_id) DO UPDATE SET state = EXCLUDED.state, reason = EXCLUDED.reason, since = EXCLUDED.since, idle_since = EXCLUDED.idle_since,
       wrap_ends_at = EXCLUDED.wrap_ends_at, entry_id = EXCLUDED.entry_id, call_id = EXCLUDED.call_id, queue_id = EXCLUDED.queue_id,
       missed_offers = COALESCE($11, agent_states.missed_offers), engine_instance_id = EXCLUDED.engine_instance_id`,
    [
      agentId,
      realm,
      state,
      change.reason ?? null,
      at,
      state === 'available' ? at : null,
      state === 'wrap_up' ? (change.wrapEndsAt ?? at) : null,
      entry?.entryId ?? null,
      entry?.callId ?? null,
      entry?.queueId ?? null,
      change.missedOffers ?? null,
      entry?.engineInstanceId ?? null,
    ],
  );
  await q.query(
    'INSERT INTO agent_state_log (agent_id, realm, at, state, previous, reason, call_id, queue_id, actor) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)',
    [agentId, realm, at, state, change.previous ?? null, change.reason ?? null, entry?.callId ?? change.about?.callId ?? null, entry?.queueId ?? change.about?.queueId ?? null, change.actor],
  );
}

/**
 * The agent's state, its rows locked for this transaction (the agent's first, so a first state row is
 * never written twice at once; the state's too, as dispatch locks that one); undefined when there is no
 * such agent. One round trip.
 */
export async function lockAgentState(q: Queryable, agentId: string): Promise<(AgentState & { realm: string }) | undefined> {
  const { rows } = await q.query<AgentStateRow>(
    `SELECT a.id AS agent_id, a.realm, s.state, s.reason, s.since, s.idle_since, s.wrap_ends_at, s.entry_id, s.call_id, s.queue_id, s.missed_offers,
       s.engine_instance_id
     FROM agents a LEFT JOIN LATERAL (SELECT * FROM agent_states x WHERE x.agent_id = a.id FOR UPDATE) s ON true
     WHERE a.id = $1 FOR UPDATE OF a`,
    [agentId],
  );
  const row = rows[0];
  return row && { ...agentStateOf(row), realm: row.realm };
}

export function agentStateRepository(pool: pg.Pool, signal: (signal: AcdSignal) => void): AgentStateRepository {
  const get = async (q: Queryable, agentId: string) => {
    const { rows } = await q.query<AgentStateRow>(`${AGENT_STATE_SELECT} WHERE a.id = $1`, [agentId]);
    return rows[0] && agentStateOf(rows[0]);
  };
  return {
    async list() {
      const { rows } = await pool.query<AgentStateRow>(`${AGENT_STATE_SELECT} WHERE a.realm = '' ORDER BY a.id`);
      return rows.map(agentStateOf);
    },
    get: (agentId) => get(pool, agentId),
    async set(agentId: string, change: PresenceChange, at: Date, actor: Actor) {
      const result = await inTransaction(pool, async (client) => {
        const current = await lockAgentState(client, agentId);
        if (!current) return { kind: 'notFound' as const };
        const { realm, ...state } = current;
        if (state.state === 'ringing' || state.state === 'on_call') return { kind: 'busy' as const, state };
        const reason = change.state === 'available' ? undefined : change.reason;
        if (state.state === change.state && state.reason === reason) return { kind: 'unchanged' as const, state };
        // Back at the desk: missed offers start counting again.
        const missedOffers = change.state === 'available' ? 0 : state.missedOffers;
        await writeAgentState(client, {
          agentId,
          realm,
          state: change.state,
          previous: state.since ? state.state : undefined,
          at,
          actor,
          ...(reason !== undefined ? { reason } : {}),
          missedOffers,
        });
        const now: AgentState = { agentId, state: change.state, ...(reason !== undefined ? { reason } : {}), since: at, ...(change.state === 'available' ? { idleSince: at } : {}), missedOffers };
        return { kind: 'changed' as const, state: now, realm };
      });
      if (result.kind !== 'changed') return result;
      if (result.state.state === 'available') signal({ kind: 'wake', realm: result.realm });
      return { kind: 'changed', state: result.state };
    },
    async history(agentId, page) {
      const where = new Where().add((p) => `agent_id = ${p}`, agentId);
      return pagedQuery(
        pool,
        { columns: 'id::text AS id, agent_id, at, state, previous, reason, call_id, queue_id, actor', from: 'agent_state_log', where, orderBy: 'at DESC, id DESC' },
        page,
        (row: { id: string; agent_id: string; at: Date; state: AgentStateName; previous: AgentStateName | null; reason: string | null; call_id: string | null; queue_id: string | null; actor: string }): AgentStateChange => ({
          id: row.id,
          agentId: row.agent_id,
          at: row.at,
          state: row.state,
          previous: opt(row.previous),
          reason: opt(row.reason),
          callId: opt(row.call_id),
          queueId: opt(row.queue_id),
          actor: row.actor,
        }),
      );
    },
  };
}
