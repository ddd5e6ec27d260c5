/** What the ACD reads: a caller's place, a queue's figures, entries and the queue event log. */
import type pg from 'pg';
import type { AcdRepository, QueueFigures } from '../../../ports/acd.js';
import { ENTRY_COLUMNS, entryOf, EVENT_COLUMNS, eventOf, logQueueEvent, type EntryRow, type EventRow } from './acd-rows.js';
import { pagedQuery, Where } from './sql.js';

/** How far back recent handle times are taken from, and how many at most. */
const RECENT_HANDLE_WINDOW_HOURS = 2;
const RECENT_HANDLE_CALLS = 50;

/** A queue's figures (ports/acd.ts QueueFigures) for the SQL expressions naming its realm, id and the time now. */
const figuresOf = (realm: string, queue: string, at: string) => `
  SELECT
    (SELECT count(*) FROM queue_entries WHERE realm = ${realm} AND queue_id = ${queue} AND state IN ('waiting', 'offered')) AS waiting,
    count(*) FILTER (WHERE s.state <> 'offline') AS logged_in,
    count(*) FILTER (WHERE s.state IN ('available', 'ringing', 'on_call', 'wrap_up')) AS staffed,
    count(*) FILTER (WHERE s.state = 'available') AS available,
    (SELECT avg((r.data ->> 'talkSeconds')::numeric + (r.data ->> 'wrapUpSeconds')::numeric) FROM (
       SELECT data FROM queue_events WHERE realm = ${realm} AND queue_id = ${queue} AND type = 'talk_ended'
         AND at > ${at}::timestamptz - make_interval(hours => ${RECENT_HANDLE_WINDOW_HOURS}) AND at <= ${at}
       ORDER BY at DESC LIMIT ${RECENT_HANDLE_CALLS}) r) AS mean_handle
  FROM agent_queues aq JOIN agent_states s ON s.agent_id = aq.agent_id AND s.realm = ${realm}
  WHERE aq.queue_id = ${queue}`;

interface FiguresRow {
  waiting: number;
  logged_in: number;
  staffed: number;
  available: number;
  mean_handle: number | null;
}

const figures = (row: FiguresRow): QueueFigures => ({
  waiting: row.waiting,
  loggedIn: row.logged_in,
  staffed: row.staffed,
  available: row.available,
  ...(row.mean_handle === null ? {} : { meanHandleSeconds: Number(row.mean_handle) }),
});

export function acdReads(pool: pg.Pool): Pick<AcdRepository, 'position' | 'figures' | 'standing' | 'entry' | 'entries' | 'logEvent' | 'events'> {
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
      const { rows } = await pool.query<FiguresRow>(figuresOf('$1', '$2', '$3'), [realm, queueId, at]);
      return figures(rows[0]!);
    },

    async standing(entryId, at) {
      const { rows } = await pool.query<FiguresRow & { position: number }>(
        `SELECT e.position, f.* FROM (
           SELECT x.realm, x.queue_id, 1 + (
             SELECT count(*) FROM queue_entries o
             WHERE o.realm = x.realm AND o.queue_id = x.queue_id AND o.state IN ('waiting', 'offered') AND o.id <> x.id
               AND (o.priority > x.priority OR (o.priority = x.priority AND (o.entered_at, o.id) < (x.entered_at, x.id)))
           ) AS position
           FROM queue_entries x WHERE x.id = $1 AND x.state IN ('waiting', 'offered')
         ) e CROSS JOIN LATERAL (${figuresOf('e.realm', 'e.queue_id', '$2')}) f`,
        [entryId, at],
      );
      const row = rows[0];
      return row && { position: row.position, figures: figures(row) };
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
