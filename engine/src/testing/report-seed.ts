/**
 * Seeds call records, queue visits and what reports read from them, straight into the database: for the
 * reporting tests (known calls with hand-worked figures), the designer's screenshots and the benchmark.
 * Everything goes in through SQL, as the ACD and the call recorder would have left it.
 */
import type { ReportSql } from '../ports/report-sql.js';
import { parseQueueSettings } from '../queue/queue-settings.js';

export interface SeedCall {
  id: string;
  from: string;
  startedAt: string;
  endedAt?: string;
  outcome?: string;
  endedAtNode?: string;
  flowId?: string;
  flowVersion?: number;
  kind?: 'phone' | 'test';
  queueId?: string;
  agentId?: string;
}

export interface SeedVisit {
  id: string;
  callId: string;
  queueId: string;
  enteredAt: string;
  kind?: 'caller' | 'callback';
  answeredAt?: string;
  endedAt?: string;
  outcome?: string;
  agentId?: string;
  /** A callback: when the caller accepted it (the callback_accepted event). */
  callbackAcceptedAt?: string;
  /** Wrap-up after the call: the agent's wrap_up state and when it ended. */
  wrapUp?: { from: string; to: string };
  /**
   * The engine holding a caller still in the queue (default the seed's own, which a running engine soon
   * finds silent and ends its callers as engine_lost); a callback waiting is held by none, as the ACD leaves it.
   */
  engineInstanceId?: string;
}

export interface SeedEvent {
  callId: string;
  seq: number;
  at: string;
  type: string;
  nodeId?: string;
  data?: Record<string, unknown>;
}

export const SEED_ENGINE = 'report-seed-engine';

export async function seedBasics(sql: ReportSql, queues: Array<{ id: string; name: string; serviceLine: string; settings?: object }>, agents: string[]): Promise<void> {
  await sql.query(`INSERT INTO engine_instances (id, name, host, pid) VALUES ($1, 'seed', 'seed', 1) ON CONFLICT DO NOTHING`, [SEED_ENGINE]);
  for (const q of queues) {
    // Only settings the API would keep: a seeded queue the ACD could not read would prove nothing. A queue that
    // exists keeps its other settings (the groups named here replace its own).
    const parsed = parseQueueSettings(q.settings ?? {});
    if (!parsed.ok) throw new Error(`seeded queue ${q.id}: its settings are not valid: ${parsed.problems.join('; ')}`);
    await sql.query(
      `INSERT INTO queues (id, name, service_line, settings) VALUES ($1, $2, $3, $4)
       ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, service_line = EXCLUDED.service_line, settings = queues.settings || EXCLUDED.settings`,
      [q.id, q.name, q.serviceLine, JSON.stringify(q.settings ?? {})],
    );
  }
  for (const a of agents) await sql.query(`INSERT INTO agents (id, name) VALUES ($1, $1) ON CONFLICT DO NOTHING`, [a]);
}

export async function seedCalls(sql: ReportSql, calls: readonly SeedCall[]): Promise<void> {
  for (const c of calls) {
    await sql.query(
      `INSERT INTO calls (id, kind, from_number, to_number, flow_id, flow_version, started_at, ended_at, outcome, ended_at_node, queue_id, agent_id, engine_instance_id)
       VALUES ($1, $2, $3, '+441234500000', $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [c.id, c.kind ?? 'phone', c.from, c.flowId ?? null, c.flowVersion ?? null, c.startedAt, c.endedAt ?? null, c.endedAt ? (c.outcome ?? 'completed') : null,
       c.endedAtNode ?? null, c.queueId ?? null, c.agentId ?? null, SEED_ENGINE],
    );
  }
}

export async function seedVisits(sql: ReportSql, visits: readonly SeedVisit[]): Promise<void> {
  for (const v of visits) {
    const state = v.endedAt ? 'ended' : v.answeredAt ? 'connected' : 'waiting';
    const kind = v.kind ?? 'caller';
    await sql.query(
      `INSERT INTO queue_entries (id, realm, kind, queue_id, call_id, entered_at, state, agent_id, answered_at, ended_at, outcome, callback_number, engine_instance_id)
       VALUES ($1, '', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [v.id, kind, v.queueId, v.callId, v.enteredAt, state, v.agentId ?? null, v.answeredAt ?? null, v.endedAt ?? null, v.endedAt ? v.outcome : null,
       kind === 'callback' ? '+447700900999' : null, v.endedAt || kind === 'callback' ? null : (v.engineInstanceId ?? SEED_ENGINE)],
    );
    await sql.query(`INSERT INTO queue_events (realm, at, type, queue_id, entry_id, call_id) VALUES ('', $1, 'entered', $2, $3, $4)`, [v.enteredAt, v.queueId, v.id, v.callId]);
    if (v.callbackAcceptedAt) {
      await sql.query(`INSERT INTO queue_events (realm, at, type, queue_id, entry_id, call_id) VALUES ('', $1, 'callback_accepted', $2, $3, $4)`, [
        v.callbackAcceptedAt, v.queueId, v.id, v.callId,
      ]);
    }
    if (v.wrapUp && v.agentId) {
      await sql.query(
        `INSERT INTO agent_state_log (agent_id, realm, at, state, previous, call_id, queue_id, actor) VALUES ($1, '', $2, 'wrap_up', 'on_call', $3, $4, 'system:acd'),
           ($1, '', $5, 'available', 'wrap_up', NULL, NULL, 'system:acd')`,
        [v.agentId, v.wrapUp.from, v.callId, v.queueId, v.wrapUp.to],
      );
    }
  }
}

export async function seedEvents(sql: ReportSql, events: readonly SeedEvent[]): Promise<void> {
  for (const e of events) {
    await sql.query(`INSERT INTO call_events (call_id, seq, at, type, node_id, data) VALUES ($1, $2, $3, $4, $5, $6)`, [
      e.callId, e.seq, e.at, e.type, e.nodeId ?? null, JSON.stringify(e.data ?? {}),
    ]);
  }
}
