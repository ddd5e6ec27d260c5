import type pg from 'pg';
import type { EngineInstance, EngineInstanceRepository } from '../../../ports/store.js';
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

export function engineInstanceRepository(pool: pg.Pool): EngineInstanceRepository {
  return {
    async register(instance) {
      return inTransaction(pool, async (client) => {
        await client.query('INSERT INTO engine_instances (id, name, host, pid) VALUES ($1, $2, $3, $4)', [instance.id, instance.name, instance.host, instance.pid]);
        return { lostCalls: await endLostCalls(client, instance, instance.deadAfterMs ?? 60_000) };
      });
    },
    async heartbeat(instanceId, deadAfterMs) {
      return inTransaction(pool, async (client) => {
        await client.query('UPDATE engine_instances SET heartbeat_at = now() WHERE id = $1', [instanceId]);
        return { lostCalls: await endLostCalls(client, { id: instanceId }, deadAfterMs) };
      });
    },
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
