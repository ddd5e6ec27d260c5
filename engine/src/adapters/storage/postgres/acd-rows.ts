/** Row shapes and mappings of the ACD's tables (queue_entries, queue_events), shared by its repositories. */
import type { AcdOffer, NewQueueEvent, QueueEntry, QueueEntryKind, QueueEntryOutcome, QueueEntryState, QueueEvent, QueueEventType } from '../../../ports/acd.js';
import type { VarValue } from '../../../ports/values.js';
import { opt, type Queryable } from './sql.js';

/** The channel engines send each other ACD signals on (acd_dispatch in migration 0003 uses it too). */
export const ACD_CHANNEL = 'frontdoor_acd';

export interface EntryRow {
  id: string;
  realm: string;
  kind: QueueEntryKind;
  queue_id: string;
  call_id: string;
  priority: number;
  skills: Record<string, number>;
  entered_at: Date;
  state: QueueEntryState;
  agent_id: string | null;
  offered_at: Date | null;
  offer_expires_at: Date | null;
  ring_timeout_ms: number;
  missed_agents: string[];
  engine_instance_id: string | null;
  caller_number: string;
  callback_number: string | null;
  callback_attempts: number;
  not_before: Date | null;
  context: Record<string, VarValue>;
  answered_at: Date | null;
  ended_at: Date | null;
  outcome: QueueEntryOutcome | null;
}

export const ENTRY_COLUMNS = `id, realm, kind, queue_id, call_id, priority, skills, entered_at, state, agent_id, offered_at, offer_expires_at,
  ring_timeout_ms, missed_agents, engine_instance_id, caller_number, callback_number, callback_attempts, not_before, context, answered_at,
  ended_at, outcome`;

export function entryOf(row: EntryRow): QueueEntry {
  return {
    id: row.id,
    realm: row.realm,
    kind: row.kind,
    queueId: row.queue_id,
    callId: row.call_id,
    priority: row.priority,
    skills: row.skills,
    enteredAt: row.entered_at,
    state: row.state,
    agentId: opt(row.agent_id),
    offeredAt: opt(row.offered_at),
    offerExpiresAt: opt(row.offer_expires_at),
    ringTimeoutMs: row.ring_timeout_ms,
    missedAgents: row.missed_agents,
    // A callback nobody is working on has no engine; the type keeps the caller's last one as '' then.
    engineInstanceId: row.engine_instance_id ?? '',
    callerNumber: row.caller_number,
    callbackNumber: opt(row.callback_number),
    callbackAttempts: row.callback_attempts,
    notBefore: opt(row.not_before),
    context: row.context,
    answeredAt: opt(row.answered_at),
    endedAt: opt(row.ended_at),
    outcome: opt(row.outcome),
  };
}

export interface OfferRow {
  entry_id: string;
  agent_id: string;
  engine_instance_id: string;
  call_id: string;
  queue_id: string;
  kind: QueueEntryKind;
  offered_at: Date;
  offer_expires_at: Date;
}

export const offerOf = (row: OfferRow): AcdOffer => ({
  entryId: row.entry_id,
  agentId: row.agent_id,
  engineInstanceId: row.engine_instance_id,
  callId: row.call_id,
  queueId: row.queue_id,
  kind: row.kind,
  offeredAt: row.offered_at,
  offerExpiresAt: row.offer_expires_at,
});

export interface EventRow {
  id: string;
  realm: string;
  at: Date;
  type: QueueEventType;
  queue_id: string;
  entry_id: string | null;
  call_id: string | null;
  agent_id: string | null;
  data: Record<string, VarValue>;
}

export const EVENT_COLUMNS = 'id::text AS id, realm, at, type, queue_id, entry_id, call_id, agent_id, data';

export const eventOf = (row: EventRow): QueueEvent => ({
  id: row.id,
  realm: row.realm,
  at: row.at,
  type: row.type,
  queueId: row.queue_id,
  entryId: opt(row.entry_id),
  callId: opt(row.call_id),
  agentId: opt(row.agent_id),
  data: row.data,
});

/** Appends one event to the queue event log (inside the transaction that made the change it records). */
export async function logQueueEvent(q: Queryable, event: NewQueueEvent): Promise<void> {
  await q.query('INSERT INTO queue_events (realm, at, type, queue_id, entry_id, call_id, agent_id, data) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)', [
    event.realm,
    event.at,
    event.type,
    event.queueId,
    event.entryId ?? null,
    event.callId ?? null,
    event.agentId ?? null,
    JSON.stringify(event.data),
  ]);
}

/** The entry, locked for this transaction. */
export async function lockEntry(q: Queryable, entryId: string): Promise<EntryRow | undefined> {
  const { rows } = await q.query<EntryRow>(`SELECT ${ENTRY_COLUMNS} FROM queue_entries WHERE id = $1 FOR UPDATE`, [entryId]);
  return rows[0];
}

/** Seconds between two instants, to the millisecond. */
export const secondsBetween = (from: Date, to: Date): number => Math.max(0, Math.round(to.getTime() - from.getTime())) / 1000;
