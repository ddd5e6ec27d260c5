/** What the ACD reads: a caller's place, a queue's figures, entries and the queue event log. */
import type pg from 'pg';
import type { AcdRepository } from '../../../ports/acd.js';
import { ENTRY_COLUMNS, entryOf, EVENT_COLUMNS, eventOf, logQueueEvent, type EntryRow, type EventRow } from './acd-rows.js';
import { pagedQuery, Where } from './sql.js';

/** How far back recent handle times are taken from, and how many at most. */
const RECENT_HANDLE_WINDOW_HOURS = 2;
const RECENT_HANDLE_CALLS = 50;

export function acdReads(pool: pg.Pool): Pick<AcdRepository, 'position' | 'figures' | 'entry' | 'entries' | 'logEvent' | 'events'> {
  return {
    async position(entryId) {
      const { rows } = await pool.query<{ position: number | null }>(
        `SELECT CASE WHEN e.state IN ('waiting', 'offered') THEN 1 + (
           SELECT count(*) FROM queue_entries o
           WHERE o.realm = e.realm AND o.queue_id = e.queue_id AND o.state IN ('waiting', 'offered') AND o.id <> e.id
             AND (o.priority > e.priority OR (o.priority = e.priority AND (o.entered_at, o.id) < (e.entered_at, e.id)))
         ) END AS position
         FROM queue_entries e WHERE e.id = $1`,
        [entryId],
      );
      return rows[0]?.position ?? undefined;
    },

    async figures(realm, queueId, at) {
      const { rows } = await pool.query<{ waiting: number; logged_in: number; staffed: number; available: number; mean_handle: number | null }>(
        `SELECT
           (SELECT count(*) FROM queue_entries WHERE realm = $1 AND queue_id = $2 AND state IN ('waiting', 'offered')) AS waiting,
           count(*) FILTER (WHERE s.state <> 'offline') AS logged_in,
           count(*) FILTER (WHERE s.state IN ('available', 'ringing', 'on_call', 'wrap_up')) AS staffed,
           count(*) FILTER (WHERE s.state = 'available') AS available,
           (SELECT avg((r.data ->> 'talkSeconds')::numeric + (r.data ->> 'wrapUpSeconds')::numeric) FROM (
              SELECT data FROM queue_events WHERE realm = $1 AND queue_id = $2 AND type = 'talk_ended'
                AND at > $3::timestamptz - make_interval(hours => $4) AND at <= $3
              ORDER BY at DESC LIMIT $5) r) AS mean_handle
         FROM agent_queues aq JOIN agent_states s ON s.agent_id = aq.agent_id AND s.realm = $1
         WHERE aq.queue_id = $2`,
        [realm, queueId, at, RECENT_HANDLE_WINDOW_HOURS, RECENT_HANDLE_CALLS],
      );
      const row = rows[0]!;
      return {
        waiting: row.waiting,
        loggedIn: row.logged_in,
        staffed: row.staffed,
        available: row.available,
        ...(row.mean_handle === null ? {} : { meanHandleSeconds: Number(row.mean_handle) }),
      };
    },

    async entry(entryId) {
      const { rows } = await pool.query<EntryRow>(`SELECT ${ENTRY_COLUMNS} FROM queue_entries WHERE id = $1`, [entryId]);
      return rows[0] && entryOf(rows[0]);
    },

    async entries(filter) {
      const where = new Where()
        .add((p) => `realm = ${p}`, filter.realm)
        .add((p) => `queue_id = ${p}`, filter.queueId)
        .add((p) => `call_id = ${p}`, filter.callId)
        .add((p) => `state = ${p}`, filter.state)
        .add((p) => `kind = ${p}`, filter.kind)
        .add((p) => `engine_instance_id = ${p}`, filter.engineInstanceId);
      const { rows } = await pool.query<EntryRow>(`SELECT ${ENTRY_COLUMNS} FROM queue_entries ${where} ORDER BY entered_at, id`, where.params);
      return rows.map(entryOf);
    },

    logEvent: (event) => logQueueEvent(pool, event),

    async events(filter, page) {
      const where = new Where()
        .add((p) => `realm = ${p}`, filter.realm)
        .add((p) => `queue_id = ${p}`, filter.queueId)
        .add((p) => `call_id = ${p}`, filter.callId)
        .add((p) => `agent_id = ${p}`, filter.agentId)
        .add((p) => `type = ${p}`, filter.type)
        .add((p) => `at >= ${p}`, filter.since)
        .add((p) => `at < ${p}`, filter.until);
      return pagedQuery(pool, { columns: EVENT_COLUMNS, from: 'queue_events', where, orderBy: 'at, id' }, page, (row: EventRow) => eventOf(row));
    },
  };
}
