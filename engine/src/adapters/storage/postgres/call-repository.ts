import type pg from 'pg';
import type { CallEvent } from '../../../ports/call-events.js';
import type { CallQueueOutcome } from '../../../ports/acd.js';
import type { CallEnd, CallRecord, CallRepository, CallStart } from '../../../ports/store.js';
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
  outcome_detail: string | null;
  ended_at_node: string | null;
  queue_id: string | null;
  agent_id: string | null;
  wait_seconds: number | null;
  talk_seconds: number | null;
  queue_outcome: CallQueueOutcome | null;
  engine_instance_id: string;
}

const CALL_COLUMNS = `id, kind, from_number, to_number, flow_id, flow_version, started_at, answered_at, ended_at, outcome, outcome_detail,
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
    outcomeDetail: opt(row.outcome_detail),
    endedAtNode: opt(row.ended_at_node),
    queueId: opt(row.queue_id),
    agentId: opt(row.agent_id),
    waitSeconds: opt(row.wait_seconds),
    talkSeconds: opt(row.talk_seconds),
    queueOutcome: opt(row.queue_outcome),
    engineInstanceId: row.engine_instance_id,
  };
}

/** `LIKE` pattern for digits a number contains; a national leading 0 matches after the country code. */
function numberPattern(search: string | undefined): string | undefined {
  if (search === undefined) return undefined;
  const digits = search.replace(/\D/g, '').replace(/^0+/, '');
  return digits === '' ? undefined : `%${digits}%`;
}

/** New calls (a call already stored is kept). Returns how many were inserted. */
async function insertStarts(q: Queryable, starts: readonly CallStart[]): Promise<number> {
  if (starts.length === 0) return 0;
  const { rowCount } = await q.query(
    `INSERT INTO calls (id, kind, from_number, to_number, flow_id, flow_version, started_at, engine_instance_id)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::timestamptz[], $8::text[])
     ON CONFLICT (id) DO NOTHING`,
    [
      starts.map((c) => c.id),
      starts.map((c) => c.kind),
      starts.map((c) => c.from),
      starts.map((c) => c.to),
      starts.map((c) => c.flowId ?? null),
      starts.map((c) => c.flowVersion ?? null),
      starts.map((c) => c.startedAt),
      starts.map((c) => c.engineInstanceId),
    ],
  );
  return rowCount ?? 0;
}

const isPaymentEvent = (e: CallEvent): boolean => e.type === 'payment.started' || e.type === 'payment.ended';

/**
 * Calls' events; a repeated (call, seq) is ignored. payment.started / payment.ended events appended now
 * also write the call's payments (a repeated seq is ignored, and so is its payment) — the caller holds a
 * transaction when there are any.
 */
async function insertEvents(q: Queryable, events: readonly CallEvent[]): Promise<void> {
  if (events.length === 0) return;
  const payments = events.some(isPaymentEvent);
  const { rows } = await q.query<{ call_id: string; seq: number }>(
    `INSERT INTO call_events (call_id, seq, at, type, node_id, data)
     SELECT * FROM unnest($1::text[], $2::int[], $3::timestamptz[], $4::text[], $5::text[], $6::jsonb[])
     ON CONFLICT (call_id, seq) DO NOTHING${payments ? ' RETURNING call_id, seq' : ''}`,
    [
      events.map((e) => e.callId),
      events.map((e) => e.seq),
      events.map((e) => new Date(e.at)),
      events.map((e) => e.type),
      events.map((e) => e.nodeId ?? null),
      events.map((e) => JSON.stringify(e.data)),
    ],
  );
  if (!payments) return;
  const inserted = new Set(rows.map((row) => `${row.call_id}\u0000${row.seq}`));
  await recordPaymentEvents(q, events.filter((e) => isPaymentEvent(e) && inserted.has(`${e.callId}\u0000${e.seq}`)));
}

/**
 * Ends calls not yet ended (the first end wins). The end never comes before the start (a simulated
 * clock may run behind the wall clock). Returns how many calls it ended.
 */
async function applyEnds(q: Queryable, ends: readonly { callId: string; end: CallEnd }[]): Promise<number> {
  if (ends.length === 0) return 0;
  const { rowCount } = await q.query(
    `UPDATE calls c SET ended_at = GREATEST(e.ended_at, c.started_at), outcome = e.outcome, outcome_detail = e.outcome_detail,
       ended_at_node = e.ended_at_node, answered_at = COALESCE(e.answered_at, c.answered_at), queue_id = COALESCE(e.queue_id, c.queue_id),
       agent_id = COALESCE(e.agent_id, c.agent_id), wait_seconds = COALESCE(e.wait_seconds, c.wait_seconds),
       talk_seconds = COALESCE(e.talk_seconds, c.talk_seconds), queue_outcome = COALESCE(e.queue_outcome, c.queue_outcome)
     FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::text[], $8::text[], $9::numeric[], $10::numeric[], $11::text[])
       AS e(id, ended_at, outcome, outcome_detail, ended_at_node, answered_at, queue_id, agent_id, wait_seconds, talk_seconds, queue_outcome)
     WHERE c.id = e.id AND c.ended_at IS NULL`,
    [
      ends.map((e) => e.callId),
      ends.map((e) => e.end.endedAt),
      ends.map((e) => e.end.outcome),
      ends.map((e) => e.end.outcomeDetail ?? null),
      ends.map((e) => e.end.endedAtNode ?? null),
      ends.map((e) => e.end.answeredAt ?? null),
      ends.map((e) => e.end.queueId ?? null),
      ends.map((e) => e.end.agentId ?? null),
      ends.map((e) => e.end.waitSeconds ?? null),
      ends.map((e) => e.end.talkSeconds ?? null),
      ends.map((e) => e.end.queueOutcome ?? null),
    ],
  );
  return rowCount ?? 0;
}

export function callRepository(pool: pg.Pool): CallRepository {
  return {
    async start(call) {
      return (await insertStarts(pool, [call])) === 0 ? { kind: 'exists' } : { kind: 'started' };
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
      if ((await applyEnds(pool, [{ callId, end }])) !== 0) return { kind: 'ended' };
      const { rowCount: exists } = await pool.query('SELECT 1 FROM calls WHERE id = $1', [callId]);
      return exists === 0 ? { kind: 'notFound' } : { kind: 'alreadyEnded' };
    },

    async write(batch) {
      if (batch.starts.length + batch.events.length + batch.ends.length === 0) return;
      await inTransaction(pool, async (client) => {
        await insertStarts(client, batch.starts);
        await insertEvents(client, batch.events);
        await applyEnds(client, batch.ends);
      });
    },

    async get(callId) {
      const { rows } = await pool.query<CallRow>(`SELECT ${CALL_COLUMNS} FROM calls WHERE id = $1`, [callId]);
      return rows[0] && callRecord(rows[0]);
    },

    async list(filter, page) {
      const where = new Where()
        .add((p) => `kind = ${p}`, filter.kind)
        .add((p) => `(regexp_replace(from_number, '[^0-9]', '', 'g') LIKE ${p} OR regexp_replace(to_number, '[^0-9]', '', 'g') LIKE ${p})`, numberPattern(filter.number))
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
      if (events.some(isPaymentEvent)) await inTransaction(pool, (client) => insertEvents(client, events));
      else await insertEvents(pool, events);
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
