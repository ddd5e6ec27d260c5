import type pg from 'pg';
import type { AcdSignal } from '../../../ports/acd.js';
import type { EngineInstance, EngineInstanceRepository } from '../../../ports/store.js';
import { endEntry, recordOnCall, releaseAgent } from './acd-repository.js';
import { logQueueEvent, secondsBetween, type EntryRow } from './acd-rows.js';
import { writeAgentState } from './agent-state-repository.js';
import { inTransaction } from './database.js';
import { endLostPayments } from './payment-repository.js';
import { opt, type Queryable } from './sql.js';

/** The outcome of a call whose engine died before the call ended. */
export const ENGINE_LOST = 'engine-lost';

/**
 * Ends, as 'engine-lost', the open calls of engines that are gone: earlier runs of `name`, runs that
 * stopped, and runs silent for longer than `deadAfterMs`. A lost call ends at its last logged event
 * (or its engine's last heartbeat).
 */
async function endLostCalls(q: Queryable, self: { id: string; name?: string }, deadAfterMs: number): Promise<string[]> {
  const { rows } = await q.query<{ id: string }>(
    `WITH gone AS (
       SELECT id, heartbeat_at FROM engine_instances
       WHERE id <> $1 AND (name = $2 OR stopped_at IS NOT NULL OR heartbeat_at < now() - make_interval(secs => $3::double precision / 1000))
     ), lost AS (
       UPDATE calls c SET outcome = '${ENGINE_LOST}',
         ended_at = GREATEST(c.started_at, COALESCE((SELECT max(e.at) FROM call_events e WHERE e.call_id = c.id), g.heartbeat_at))
       FROM gone g
       WHERE c.engine_instance_id = g.id AND c.ended_at IS NULL
       RETURNING c.id
     ), stopped AS (
       UPDATE engine_instances i SET stopped_at = i.heartbeat_at FROM gone g WHERE i.id = g.id AND i.stopped_at IS NULL
     )
     SELECT id FROM lost ORDER BY id`,
    [self.id, self.name ?? null, deadAfterMs],
  );
  const lost = rows.map((r) => r.id);
  // A payment under way when its engine died: only Pay360 knows how it ended.
  await endLostPayments(q, lost);
  return lost;
}

/**
 * The queue work of engines that are gone (stopped, or found silent by endLostCalls just before): their
 * callers' queue entries end as engine_lost (the call record's queue outcome too, unless an agent had
 * answered), callbacks they were working wait again for any engine, and every agent they were ringing
 * or holding on a call is available again. Returns the realms where agents were freed.
 */
async function endLostQueueWork(q: Queryable, selfId: string): Promise<Set<string>> {
  const freed = new Set<string>();
  const { rows } = await q.query<EntryRow & { lost_at: Date }>(
    `SELECT e.*, i.stopped_at AS lost_at
     FROM queue_entries e JOIN engine_instances i ON i.id = e.engine_instance_id
     WHERE e.state <> 'ended' AND i.stopped_at IS NOT NULL AND i.id <> $1 ORDER BY e.id FOR UPDATE OF e`,
    [selfId],
  );
  for (const entry of rows) {
    const at = new Date(Math.max(entry.lost_at.getTime(), entry.entered_at.getTime()));
    if (entry.kind === 'caller') {
      await endEntry(q, entry.id, 'engine_lost', at);
      if (entry.state !== 'connected') await recordOnCall(q, entry.call_id, { waitSeconds: secondsBetween(entry.entered_at, at), queueOutcome: 'engine_lost' });
    } else {
      await q.query(
        `UPDATE queue_entries SET state = 'waiting', agent_id = NULL, offered_at = NULL, offer_expires_at = NULL, answered_at = NULL, engine_instance_id = NULL WHERE id = $1`,
        [entry.id],
      );
    }
    await logQueueEvent(q, {
      realm: entry.realm,
      at,
      type: 'engine_lost',
      queueId: entry.queue_id,
      entryId: entry.id,
      callId: entry.call_id,
      ...(entry.agent_id ? { agentId: entry.agent_id } : {}),
      data: { engineInstanceId: entry.engine_instance_id ?? '', kind: entry.kind, state: entry.state },
    });
    if (entry.agent_id && (await releaseAgent(q, entry, entry.agent_id, at, { state: 'available' }))) freed.add(entry.realm);
  }
  // Agents still held by a gone engine (whatever their entry became): free.
  const { rows: stuck } = await q.query<{ agent_id: string; realm: string; state: 'ringing' | 'on_call'; lost_at: Date; call_id: string | null; queue_id: string | null }>(
    `SELECT s.agent_id, s.realm, s.state, i.stopped_at AS lost_at, s.call_id, s.queue_id FROM agent_states s JOIN engine_instances i ON i.id = s.engine_instance_id
     WHERE s.state IN ('ringing', 'on_call') AND i.stopped_at IS NOT NULL AND i.id <> $1 ORDER BY s.agent_id FOR UPDATE OF s`,
    [selfId],
  );
  for (const agent of stuck) {
    await writeAgentState(q, {
      agentId: agent.agent_id,
      realm: agent.realm,
      state: 'available',
      previous: agent.state,
      at: agent.lost_at,
      actor: 'system:acd',
      about: { ...(agent.call_id ? { callId: agent.call_id } : {}), ...(agent.queue_id ? { queueId: agent.queue_id } : {}) },
    });
    freed.add(agent.realm);
  }
  return freed;
}

export function engineInstanceRepository(pool: pg.Pool, signal: (signal: AcdSignal) => void = () => undefined): EngineInstanceRepository {
  /** Records this run (`first`), then ends what engines that are gone left open. */
  const sweep = async (self: { id: string; name?: string }, deadAfterMs: number, first: (client: Queryable) => Promise<unknown>) => {
    const { lostCalls, freed } = await inTransaction(pool, async (client) => {
      await first(client);
      const lost = await endLostCalls(client, self, deadAfterMs);
      return { lostCalls: lost, freed: await endLostQueueWork(client, self.id) };
    });
    for (const realm of freed) signal({ kind: 'wake', realm });
    return { lostCalls };
  };
  return {
    register: (instance) =>
      sweep(instance, instance.deadAfterMs ?? 60_000, (client) =>
        client.query('INSERT INTO engine_instances (id, name, host, pid) VALUES ($1, $2, $3, $4)', [instance.id, instance.name, instance.host, instance.pid]),
      ),
    heartbeat: (instanceId, deadAfterMs) =>
      sweep({ id: instanceId }, deadAfterMs, (client) => client.query('UPDATE engine_instances SET heartbeat_at = now() WHERE id = $1', [instanceId])),
    async stop(instanceId) {
      await pool.query('UPDATE engine_instances SET stopped_at = now(), heartbeat_at = now() WHERE id = $1', [instanceId]);
    },
    async list() {
      const { rows } = await pool.query<{ id: string; name: string; host: string; pid: number; started_at: Date; heartbeat_at: Date; stopped_at: Date | null }>(
        'SELECT id, name, host, pid, started_at, heartbeat_at, stopped_at FROM engine_instances ORDER BY started_at DESC, id',
      );
      return rows.map(
        (row): EngineInstance => ({
          id: row.id,
          name: row.name,
          host: row.host,
          pid: row.pid,
          startedAt: row.started_at,
          heartbeatAt: row.heartbeat_at,
          stoppedAt: opt(row.stopped_at),
        }),
      );
    },
  };
}
