import type pg from 'pg';
import type {
  Agent,
  AgentEndpoint,
  AgentInput,
  AgentRefused,
  CalendarNotFound,
  CrudRepository,
  HolidayCalendar,
  HolidayCalendarInput,
  JsonObject,
  Queue,
  QueueInput,
  Schedule,
  ScheduleInput,
  ScheduleNotFound,
} from '../../../ports/store.js';
import { inTransaction } from './database.js';
import { jsonParam, opt, toJson, writeAudit, type Queryable } from './sql.js';

/**
 * One audited id-keyed table (plus whatever `save` writes beside it), described as data:
 * schedules, holiday calendars, queues and agents share all their SQL plumbing.
 */
export interface CrudSpec<T extends { id: string }, Input extends { id: string }, Refused> {
  entityType: string;
  table: string;
  /** Select list over the table aliased `t`. */
  columns: string;
  fromRow(row: Record<string, unknown>): T;
  /** Inserts (`existing` undefined) or updates the row for `input`; false when the id is taken on insert. */
  save(q: Queryable, input: Input, existing: T | undefined): Promise<boolean>;
  /** Why `input` cannot be saved, e.g. it names a calendar that does not exist. */
  refuse?(q: Queryable, input: Input): Promise<Refused | undefined>;
  /** What still refers to this row (refuses deletion). */
  usedBy?(q: Queryable, id: string): Promise<string[]>;
  /** Rows of test realms (a test call's simulated agents) are not part of the collection. */
  realOnly?: boolean;
}

export function crudRepository<T extends { id: string }, Input extends { id: string }, Refused = never>(
  pool: pg.Pool,
  spec: CrudSpec<T, Input, Refused>,
): CrudRepository<T, Input, Refused> {
  const select = `SELECT ${spec.columns} FROM ${spec.table} t`;
  const onlyReal = spec.realOnly ? "t.realm = ''" : undefined;
  async function get(q: Queryable, id: string, lock = false): Promise<T | undefined> {
    const { rows } = await q.query(`${select} WHERE t.id = $1${onlyReal ? ` AND ${onlyReal}` : ''}${lock ? ' FOR UPDATE' : ''}`, [id]);
    return rows[0] && spec.fromRow(rows[0] as Record<string, unknown>);
  }
  /** The input as the audit log shows it (without updatedAt). */
  const inputOf = (item: T): Input => {
    const { updatedAt: _updatedAt, ...rest } = item as T & { updatedAt?: Date };
    return rest as unknown as Input;
  };

  return {
    async list() {
      const { rows } = await pool.query(`${select}${onlyReal ? ` WHERE ${onlyReal}` : ''} ORDER BY lower(t.name), t.id`);
      return rows.map((row) => spec.fromRow(row as Record<string, unknown>));
    },
    get: (id) => get(pool, id),
    async create(input, actor) {
      return inTransaction(pool, async (client) => {
        const refused = await spec.refuse?.(client, input);
        if (refused !== undefined) return refused;
        if (!(await spec.save(client, input, undefined))) return { kind: 'exists' as const };
        const item = (await get(client, input.id))!;
        await writeAudit(client, { actor, action: `${spec.entityType}.create`, entityType: spec.entityType, entityId: input.id, before: null, after: toJson(inputOf(item)) });
        return { kind: 'created' as const, item };
      });
    },
    async update(id, changes, actor) {
      return inTransaction(pool, async (client) => {
        const existing = await get(client, id, true);
        if (!existing) return { kind: 'notFound' as const };
        const input = { ...inputOf(existing), ...changes, id } as Input;
        const refused = await spec.refuse?.(client, input);
        if (refused !== undefined) return refused;
        await spec.save(client, input, existing);
        const item = (await get(client, id))!;
        await writeAudit(client, {
          actor,
          action: `${spec.entityType}.update`,
          entityType: spec.entityType,
          entityId: id,
          before: toJson(inputOf(existing)),
          after: toJson(inputOf(item)),
        });
        return { kind: 'updated' as const, item };
      });
    },
    async delete(id, actor) {
      return inTransaction(pool, async (client) => {
        const existing = await get(client, id, true);
        if (!existing) return { kind: 'notFound' as const };
        const by = (await spec.usedBy?.(client, id)) ?? [];
        if (by.length > 0) return { kind: 'inUse' as const, by };
        await client.query(`DELETE FROM ${spec.table} WHERE id = $1`, [id]);
        await writeAudit(client, { actor, action: `${spec.entityType}.delete`, entityType: spec.entityType, entityId: id, before: toJson(inputOf(existing)), after: null });
        return { kind: 'deleted' as const };
      });
    },
  };
}

export async function inserted(q: Queryable, sql: string, params: unknown[]): Promise<boolean> {
  const { rowCount } = await q.query(sql, params);
  return (rowCount ?? 0) > 0;
}

export function scheduleRepository(pool: pg.Pool) {
  return crudRepository<Schedule, ScheduleInput, CalendarNotFound>(pool, {
    entityType: 'schedule',
    table: 'schedules',
    columns: 't.id, t.name, t.timezone, t.holiday_calendar_id, t.definition, t.updated_at',
    fromRow: (row) => ({
      id: row.id as string,
      name: row.name as string,
      timezone: row.timezone as string,
      holidayCalendarId: opt(row.holiday_calendar_id as string | null),
      definition: row.definition as JsonObject,
      updatedAt: row.updated_at as Date,
    }),
    save: (q, s, existing) =>
      existing
        ? inserted(q, 'UPDATE schedules SET name = $2, timezone = $3, holiday_calendar_id = $4, definition = $5, updated_at = now() WHERE id = $1', [
            s.id, s.name, s.timezone, s.holidayCalendarId ?? null, s.definition,
          ])
        : inserted(q, 'INSERT INTO schedules (id, name, timezone, holiday_calendar_id, definition) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING', [
            s.id, s.name, s.timezone, s.holidayCalendarId ?? null, s.definition,
          ]),
    async refuse(q, s) {
      if (s.holidayCalendarId === undefined) return undefined;
      const { rowCount } = await q.query('SELECT 1 FROM holiday_calendars WHERE id = $1', [s.holidayCalendarId]);
      return rowCount === 0 ? { kind: 'calendarNotFound', calendarId: s.holidayCalendarId } : undefined;
    },
    async usedBy(q, id) {
      const { rows } = await q.query<{ id: string }>('SELECT id FROM queues WHERE schedule_id = $1 ORDER BY id', [id]);
      return rows.map((r) => `queue ${r.id}`);
    },
  });
}

export function holidayCalendarRepository(pool: pg.Pool) {
  return crudRepository<HolidayCalendar, HolidayCalendarInput>(pool, {
    entityType: 'holidayCalendar',
    table: 'holiday_calendars',
    columns: 't.id, t.name, t.dates, t.updated_at',
    fromRow: (row) => ({
      id: row.id as string,
      name: row.name as string,
      dates: row.dates as HolidayCalendar['dates'],
      updatedAt: row.updated_at as Date,
    }),
    save: (q, c, existing) =>
      existing
        ? inserted(q, 'UPDATE holiday_calendars SET name = $2, dates = $3, updated_at = now() WHERE id = $1', [c.id, c.name, jsonParam(c.dates)])
        : inserted(q, 'INSERT INTO holiday_calendars (id, name, dates) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING', [c.id, c.name, jsonParam(c.dates)]),
    async usedBy(q, id) {
      const { rows } = await q.query<{ id: string }>('SELECT id FROM schedules WHERE holiday_calendar_id = $1 ORDER BY id', [id]);
      return rows.map((r) => `schedule ${r.id}`);
    },
  });
}

export function queueRepository(pool: pg.Pool) {
  return crudRepository<Queue, QueueInput, ScheduleNotFound>(pool, {
    entityType: 'queue',
    table: 'queues',
    columns: 't.id, t.name, t.service_line, t.schedule_id, t.settings, t.updated_at',
    fromRow: (row) => ({
      id: row.id as string,
      name: row.name as string,
      serviceLine: row.service_line as string,
      ...(row.schedule_id === null ? {} : { scheduleId: row.schedule_id as string }),
      settings: row.settings as JsonObject,
      updatedAt: row.updated_at as Date,
    }),
    save: (q, queue, existing) => {
      const values = [queue.id, queue.name, queue.serviceLine ?? '', queue.scheduleId ?? null, queue.settings];
      return existing
        ? inserted(q, 'UPDATE queues SET name = $2, service_line = $3, schedule_id = $4, settings = $5, updated_at = now() WHERE id = $1', values)
        : inserted(q, 'INSERT INTO queues (id, name, service_line, schedule_id, settings) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING', values);
    },
    async refuse(q, queue) {
      if (queue.scheduleId === undefined) return undefined;
      const { rowCount } = await q.query('SELECT 1 FROM schedules WHERE id = $1', [queue.scheduleId]);
      return rowCount === 0 ? { kind: 'scheduleNotFound', scheduleId: queue.scheduleId } : undefined;
    },
    async usedBy(q, id) {
      const { rows } = await q.query<{ kind: string; count: number }>(
        `SELECT kind, count(*)::int AS count FROM queue_entries WHERE queue_id = $1 AND state <> 'ended' AND realm = '' GROUP BY kind ORDER BY kind`,
        [id],
      );
      return rows.map((r) => `${r.count} ${r.kind === 'callback' ? 'callback' : 'caller'}${r.count === 1 ? '' : 's'} waiting`);
    },
  });
}

export function agentRepository(pool: pg.Pool) {
  return crudRepository<Agent, AgentInput, AgentRefused>(pool, {
    entityType: 'agent',
    table: 'agents',
    realOnly: true,
    columns:
      't.id, t.name, t.user_id, t.endpoints, t.active_endpoint, t.skills, t.updated_at, ARRAY(SELECT q.queue_id FROM agent_queues q WHERE q.agent_id = t.id ORDER BY q.queue_id) AS queue_ids',
    fromRow: (row) => ({
      id: row.id as string,
      name: row.name as string,
      ...(row.user_id === null ? {} : { userId: row.user_id as string }),
      endpoints: row.endpoints as AgentEndpoint[],
      activeEndpoint: row.active_endpoint as number,
      skills: row.skills as Record<string, number>,
      queueIds: row.queue_ids as string[],
      updatedAt: row.updated_at as Date,
    }),
    async save(q, agent, existing) {
      const values = [agent.id, agent.name, agent.userId ?? null, JSON.stringify(agent.endpoints), agent.activeEndpoint ?? 0, JSON.stringify(agent.skills)];
      const saved = existing
        ? await inserted(q, 'UPDATE agents SET name = $2, user_id = $3, endpoints = $4, active_endpoint = $5, skills = $6, updated_at = now() WHERE id = $1', values)
        : await inserted(
            q,
            'INSERT INTO agents (id, name, user_id, endpoints, active_endpoint, skills) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING',
            values,
          );
      if (!saved) return false;
      await saveAgentQueues(q, agent.id, agent.queueIds);
      return true;
    },
    async refuse(q, agent) {
      const { rows } = await q.query<{ id: string }>(
        'SELECT wanted.id FROM unnest($1::text[]) AS wanted (id) WHERE NOT EXISTS (SELECT 1 FROM queues WHERE queues.id = wanted.id) LIMIT 1',
        [agent.queueIds],
      );
      if (rows[0]) return { kind: 'queueNotFound', queueId: rows[0].id };
      const active = agent.activeEndpoint ?? 0;
      if (active > 0 && active >= agent.endpoints.length) return { kind: 'noSuchEndpoint', activeEndpoint: active };
      if (agent.userId === undefined) return undefined;
      const { rowCount } = await q.query('SELECT 1 FROM users WHERE id = $1', [agent.userId]);
      if (rowCount === 0) return { kind: 'userNotFound', userId: agent.userId };
      const { rows: taken } = await q.query<{ id: string }>('SELECT id FROM agents WHERE user_id = $1 AND id <> $2', [agent.userId, agent.id]);
      return taken[0] ? { kind: 'userTaken', userId: agent.userId, agentId: taken[0].id } : undefined;
    },
  });
}

/** The queues an agent serves, replaced as a whole (duplicates dropped). */
export async function saveAgentQueues(q: Queryable, agentId: string, queueIds: readonly string[]): Promise<void> {
  await q.query('DELETE FROM agent_queues WHERE agent_id = $1', [agentId]);
  await q.query('INSERT INTO agent_queues (agent_id, queue_id) SELECT DISTINCT $1::text, queue_id FROM unnest($2::text[]) AS wanted (queue_id)', [agentId, queueIds]);
}
