import type pg from 'pg';
import type { BreakReason, BreakReasonInput, CallWrapUp, DeskRepository, DispositionCode, DispositionCodeInput, SaveWrapUpResult } from '../../../ports/desk.js';
import type { Actor } from '../../../ports/store.js';
import { crudRepository, inserted } from './crud-repository.js';
import { inTransaction } from './database.js';
import { isPgError, opt, PG_FOREIGN_KEY_VIOLATION, toJson, writeAudit, type Queryable } from './sql.js';

export function breakReasonRepository(pool: pg.Pool) {
  return crudRepository<BreakReason, BreakReasonInput>(pool, {
    entityType: 'breakReason',
    table: 'break_reasons',
    columns: 't.id, t.name, t.updated_at',
    fromRow: (row) => ({ id: row.id as string, name: row.name as string, updatedAt: row.updated_at as Date }),
    save: (q, r, existing) =>
      existing
        ? inserted(q, 'UPDATE break_reasons SET name = $2, updated_at = now() WHERE id = $1', [r.id, r.name])
        : inserted(q, 'INSERT INTO break_reasons (id, name) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING', [r.id, r.name]),
  });
}

export function dispositionCodeRepository(pool: pg.Pool) {
  return crudRepository<DispositionCode, DispositionCodeInput, { kind: 'queueNotFound'; queueId: string }>(pool, {
    entityType: 'dispositionCode',
    table: 'disposition_codes',
    columns: 't.id, t.name, t.queue_ids, t.updated_at',
    fromRow: (row) => ({ id: row.id as string, name: row.name as string, queueIds: row.queue_ids as string[], updatedAt: row.updated_at as Date }),
    save: (q, d, existing) => {
      const values = [d.id, d.name, [...new Set(d.queueIds)]];
      return existing
        ? inserted(q, 'UPDATE disposition_codes SET name = $2, queue_ids = $3, updated_at = now() WHERE id = $1', values)
        : inserted(q, 'INSERT INTO disposition_codes (id, name, queue_ids) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING', values);
    },
    async refuse(q, d) {
      const { rows } = await q.query<{ id: string }>(
        'SELECT wanted.id FROM unnest($1::text[]) AS wanted (id) WHERE NOT EXISTS (SELECT 1 FROM queues WHERE queues.id = wanted.id) LIMIT 1',
        [d.queueIds],
      );
      return rows[0] ? { kind: 'queueNotFound', queueId: rows[0].id } : undefined;
    },
  });
}

interface WrapUpRow {
  call_id: string;
  agent_id: string;
  queue_id: string | null;
  disposition_id: string | null;
  disposition_name: string | null;
  note: string;
  started_at: Date;
  updated_at: Date;
  wrapped_at: Date | null;
  actor: string;
}

const wrapUpOf = (row: WrapUpRow): CallWrapUp => ({
  callId: row.call_id,
  agentId: row.agent_id,
  queueId: opt(row.queue_id),
  dispositionId: opt(row.disposition_id),
  dispositionName: opt(row.disposition_name),
  note: row.note,
  startedAt: row.started_at,
  updatedAt: row.updated_at,
  wrappedAt: opt(row.wrapped_at),
  actor: row.actor,
});

const WRAP_UP_COLUMNS = 'call_id, agent_id, queue_id, disposition_id, disposition_name, note, started_at, updated_at, wrapped_at, actor';

/** Upserts the adviser's row; a foreign-key refusal means the call is not recorded. */
async function upsertWrapUp(
  q: Queryable,
  wrap: { callId: string; agentId: string; queueId?: string; note: string; disposition?: { id: string; name: string } },
  at: Date,
  actor: Actor,
): Promise<SaveWrapUpResult> {
  try {
    const { rows } = await q.query<WrapUpRow>(
      `INSERT INTO call_wrap_ups (call_id, agent_id, queue_id, disposition_id, disposition_name, note, started_at, updated_at, wrapped_at, actor)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $7, CASE WHEN $4::text IS NULL THEN NULL ELSE $7::timestamptz END, $8)
       ON CONFLICT (call_id, agent_id) DO UPDATE SET
         queue_id = COALESCE(call_wrap_ups.queue_id, EXCLUDED.queue_id),
         disposition_id = COALESCE(EXCLUDED.disposition_id, call_wrap_ups.disposition_id),
         disposition_name = COALESCE(EXCLUDED.disposition_name, call_wrap_ups.disposition_name),
         note = EXCLUDED.note, updated_at = EXCLUDED.updated_at,
         wrapped_at = COALESCE(EXCLUDED.wrapped_at, call_wrap_ups.wrapped_at), actor = EXCLUDED.actor
       RETURNING ${WRAP_UP_COLUMNS}`,
      [wrap.callId, wrap.agentId, wrap.queueId ?? null, wrap.disposition?.id ?? null, wrap.disposition?.name ?? null, wrap.note, at, actor],
    );
    return { kind: 'saved', wrapUp: wrapUpOf(rows[0]!) };
  } catch (error) {
    if (isPgError(error, PG_FOREIGN_KEY_VIOLATION)) return { kind: 'callNotFound', callId: wrap.callId };
    throw error;
  }
}

export function deskRepository(pool: pg.Pool): DeskRepository {
  return {
    saveNote: (wrap, at, actor) => upsertWrapUp(pool, wrap, at, actor),

    wrapUp: (wrap, at, actor) =>
      inTransaction(pool, async (client) => {
        const { rows } = await client.query<{ name: string; queue_ids: string[] }>('SELECT name, queue_ids FROM disposition_codes WHERE id = $1', [wrap.dispositionId]);
        const code = rows[0];
        if (!code) return { kind: 'dispositionNotFound', dispositionId: wrap.dispositionId };
        if (wrap.queueId !== undefined && code.queue_ids.length > 0 && !code.queue_ids.includes(wrap.queueId)) {
          return { kind: 'dispositionNotForQueue', dispositionId: wrap.dispositionId, queueId: wrap.queueId };
        }
        const result = await upsertWrapUp(client, { ...wrap, disposition: { id: wrap.dispositionId, name: code.name } }, at, actor);
        if (result.kind === 'saved') {
          const { note: _note, ...after } = result.wrapUp;
          // The note itself stays on the call record; the audit log says who wrapped up with which code.
          await writeAudit(client, { actor, action: 'call.wrapUp', entityType: 'call', entityId: wrap.callId, after: toJson({ ...after, noteLength: result.wrapUp.note.length }) });
        }
        return result;
      }),

    async wrapUpsOf(callId) {
      const { rows } = await pool.query<WrapUpRow>(`SELECT ${WRAP_UP_COLUMNS} FROM call_wrap_ups WHERE call_id = $1 ORDER BY started_at, agent_id`, [callId]);
      return rows.map(wrapUpOf);
    },

    async wrapUpsOfCalls(callIds) {
      const found = new Map<string, CallWrapUp[]>();
      if (callIds.length === 0) return found;
      const { rows } = await pool.query<WrapUpRow>(`SELECT ${WRAP_UP_COLUMNS} FROM call_wrap_ups WHERE call_id = ANY ($1::text[]) ORDER BY started_at, agent_id`, [[...callIds]]);
      for (const row of rows) found.set(row.call_id, [...(found.get(row.call_id) ?? []), wrapUpOf(row)]);
      return found;
    },

    async connected(connection, at) {
      await pool.query(
        'INSERT INTO desk_connections (id, agent_id, engine_instance_id, connected_at, seen_at) VALUES ($1, $2, $3, $4, $4) ON CONFLICT (id) DO UPDATE SET seen_at = $4, closed_at = NULL',
        [connection.id, connection.agentId, connection.engineInstanceId, at],
      );
    },

    async seen(engineInstanceId, at) {
      await pool.query('UPDATE desk_connections SET seen_at = $2 WHERE engine_instance_id = $1 AND closed_at IS NULL', [engineInstanceId, at]);
    },

    async closed(connectionId, at) {
      await pool.query('UPDATE desk_connections SET closed_at = $2, seen_at = GREATEST(seen_at, $2) WHERE id = $1 AND closed_at IS NULL', [connectionId, at]);
    },

    async deserted(before) {
      return inTransaction(pool, async (client) => {
        const { rows } = await client.query<{ agent_id: string }>(
          `SELECT c.agent_id FROM desk_connections c
           JOIN agent_states s ON s.agent_id = c.agent_id AND s.realm = '' AND s.state IN ('available', 'break', 'wrap_up')
           GROUP BY c.agent_id
           HAVING bool_and(COALESCE(c.closed_at, c.seen_at) <= $1)
           ORDER BY c.agent_id`,
          [before],
        );
        const agents = rows.map((r) => r.agent_id);
        // Once told, forgotten: an adviser a supervisor later sets available without a desk is not set offline again.
        // Connections closed long ago are history nobody reads.
        await client.query(`DELETE FROM desk_connections WHERE agent_id = ANY ($1::text[]) OR COALESCE(closed_at, seen_at) <= $2::timestamptz - interval '1 day'`, [
          agents,
          before,
        ]);
        return agents;
      });
    },
  };
}
