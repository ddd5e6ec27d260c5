import type pg from 'pg';
import type { CallEvent } from '../../../ports/call-events.js';
import type { CallQueueOutcome } from '../../../ports/acd.js';
import type { CallRecord, CallRepository } from '../../../ports/store.js';
import { inTransaction } from './database.js';
import { recordPaymentEvents } from './payment-repository.js';
import { opt, pagedQuery, Where, type Queryable } from './sql.js';

interface CallRow {
  id: string;
  kind: CallRecord['kind'];
  from_number: string;
  to_number: string;
  flow_id: string | null;
  flow_version: number | null;
  started_at: Date;
  answered_at: Date | null;
  ended_at: Date | null;
  outcome: string | null;
  ended_at_node: string | null;
  queue_id: string | null;
  agent_id: string | null;
  wait_seconds: number | null;
  talk_seconds: number | null;
  queue_outcome: CallQueueOutcome | null;
  engine_instance_id: string;
}

const CALL_COLUMNS = `id, kind, from_number, to_number, flow_id, flow_version, started_at, answered_at, ended_at, outcome,
  ended_at_node, queue_id, agent_id, wait_seconds, talk_seconds, queue_outcome, engine_instance_id`;

function callRecord(row: CallRow): CallRecord {
  return {
    id: row.id,
    kind: row.kind,
    from: row.from_number,
    to: row.to_number,
    flowId: opt(row.flow_id),
    flowVersion: opt(row.flow_version),
    startedAt: row.started_at,
    answeredAt: opt(row.answered_at),
    endedAt: opt(row.ended_at),
    outcome: opt(row.outcome),
    endedAtNode: opt(row.ended_at_node),
    queueId: opt(row.queue_id),
    agentId: opt(row.agent_id),
    waitSeconds: opt(row.wait_seconds),
    talkSeconds: opt(row.talk_seconds),
    queueOutcome: opt(row.queue_outcome),
    engineInstanceId: row.engine_instance_id,
  };
}

export function callRepository(pool: pg.Pool): CallRepository {
  return {
    async start(call) {
      const { rowCount } = await pool.query(
        `INSERT INTO calls (id, kind, from_number, to_number, flow_id, flow_version, started_at, engine_instance_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO NOTHING`,
        [call.id, call.kind, call.from, call.to, call.flowId ?? null, call.flowVersion ?? null, call.startedAt, call.engineInstanceId],
      );
      return rowCount === 0 ? { kind: 'exists' } : { kind: 'started' };
    },

    async update(callId, changes) {
      const { rowCount } = await pool.query(
        `UPDATE calls SET answered_at = COALESCE($2, answered_at), queue_id = COALESCE($3, queue_id), agent_id = COALESCE($4, agent_id),
           wait_seconds = COALESCE($5, wait_seconds), talk_seconds = COALESCE($6, talk_seconds), queue_outcome = COALESCE($7, queue_outcome)
         WHERE id = $1`,
        [callId, changes.answeredAt ?? null, changes.queueId ?? null, changes.agentId ?? null, changes.waitSeconds ?? null, changes.talkSeconds ?? null, changes.queueOutcome ?? null],
      );
      return rowCount === 0 ? { kind: 'notFound' } : { kind: 'updated' };
    },

    async end(callId, end) {
      // The end never comes before the start (a simulated clock may run behind the wall clock).
      const { rowCount } = await pool.query(
        `UPDATE calls SET ended_at = GREATEST($2, started_at), outcome = $3, ended_at_node = $4,
           answered_at = COALESCE($5, answered_at), queue_id = COALESCE($6, queue_id), agent_id = COALESCE($7, agent_id),
           wait_seconds = COALESCE($8, wait_seconds), talk_seconds = COALESCE($9, talk_seconds), queue_outcome = COALESCE($10, queue_outcome)
         WHERE id = $1 AND ended_at IS NULL`,
        [
          callId,
          end.endedAt,
          end.outcome,
          end.endedAtNode ?? null,
          end.answeredAt ?? null,
          end.queueId ?? null,
          end.agentId ?? null,
          end.waitSeconds ?? null,
          end.talkSeconds ?? null,
          end.queueOutcome ?? null,
        ],
      );
      if (rowCount !== 0) return { kind: 'ended' };
      const { rowCount: exists } = await pool.query('SELECT 1 FROM calls WHERE id = $1', [callId]);
      return exists === 0 ? { kind: 'notFound' } : { kind: 'alreadyEnded' };
    },

    async get(callId) {
      const { rows } = await pool.query<CallRow>(`SELECT ${CALL_COLUMNS} FROM calls WHERE id = $1`, [callId]);
      return rows[0] && callRecord(rows[0]);
    },

    async list(filter, page) {
      const where = new Where()
        .add((p) => `kind = ${p}`, filter.kind)
        .add((p) => `flow_id = ${p}`, filter.flowId)
        .add((p) => `from_number = ${p}`, filter.from)
        .add((p) => `to_number = ${p}`, filter.to)
        .add((p) => `outcome = ${p}`, filter.outcome)
        .add((p) => `queue_id = ${p}`, filter.queueId)
        .add((p) => `agent_id = ${p}`, filter.agentId)
        .add((p) => `queue_outcome = ${p}`, filter.queueOutcome)
        .add((p) => `started_at >= ${p}`, filter.since)
        .add((p) => `started_at < ${p}`, filter.until);
      if (filter.active !== undefined) where.raw(filter.active ? 'ended_at IS NULL' : 'ended_at IS NOT NULL');
      return pagedQuery(pool, { columns: CALL_COLUMNS, from: 'calls', where, orderBy: 'started_at DESC, id' }, page, callRecord);
    },

    async appendEvents(events: CallEvent[]) {
      if (events.length === 0) return;
      if (!events.some((e) => e.type === 'payment.started' || e.type === 'payment.ended')) {
        await insertEvents(pool, events);
        return;
      }
      await inTransaction(pool, async (client) => {
        const inserted = await insertEvents(client, events);
        // Only events appended now (a repeated seq is ignored, and so is its payment).
        await recordPaymentEvents(client, events.filter((e) => inserted.has(`${e.callId}\u0000${e.seq}`)));
      });
    },

    async events(callId) {
      const { rows } = await pool.query<{ call_id: string; seq: number; at: Date; type: CallEvent['type']; node_id: string | null; data: CallEvent['data'] }>(
        'SELECT call_id, seq, at, type, node_id, data FROM call_events WHERE call_id = $1 ORDER BY seq',
        [callId],
      );
      return rows.map((row) => {
        const event: CallEvent = { callId: row.call_id, seq: row.seq, at: row.at.getTime(), type: row.type, data: row.data };
        if (row.node_id !== null) event.nodeId = row.node_id;
        return event;
      });
    },
  };
}

/** Inserts the events; the keys (`callId\0seq`) of those that were new. */
async function insertEvents(q: Queryable, events: CallEvent[]): Promise<Set<string>> {
  const { rows } = await q.query<{ call_id: string; seq: number }>(
    `INSERT INTO call_events (call_id, seq, at, type, node_id, data)
     SELECT * FROM unnest($1::text[], $2::int[], $3::timestamptz[], $4::text[], $5::text[], $6::jsonb[])
     ON CONFLICT (call_id, seq) DO NOTHING
     RETURNING call_id, seq`,
    [
      events.map((e) => e.callId),
      events.map((e) => e.seq),
      events.map((e) => new Date(e.at)),
      events.map((e) => e.type),
      events.map((e) => e.nodeId ?? null),
      events.map((e) => JSON.stringify(e.data)),
    ],
  );
  return new Set(rows.map((row) => `${row.call_id}\u0000${row.seq}`));
}
