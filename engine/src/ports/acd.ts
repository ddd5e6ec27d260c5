/**
 * The ACD's data: agents' states, callers and callbacks waiting in queues, the queue event log, and the
 * signals engines send each other. Types only — implemented in engine/src/adapters/storage/postgres/
 * (acd-repository.ts, agent-state-repository.ts); the ACD itself (engine/src/queue/) works through them.
 *
 * Realms: real traffic is realm ''. A designer's test call, a flow test or a bench runs in a realm of
 * its own through the same tables and the same dispatch, with simulated agents that exist only there.
 * Times are always given by the caller, from its Clock (simulated time works); the database's clock is
 * never read.
 */
import type { VarValue } from './values.js';
import type { Actor, NotFound, Page, Paged } from './store.js';

// ───────────────────────────── agents' states ─────────────────────────────

export type AgentStateName = 'available' | 'ringing' | 'on_call' | 'wrap_up' | 'break' | 'offline';

export interface AgentState {
  agentId: string;
  state: AgentStateName;
  /** Why, for break ("lunch", "missed calls") and offline. */
  reason?: string;
  /** Since when; undefined for an agent who has never logged in. */
  since?: Date;
  /** When the agent last became free (available only): the longest idle is offered the next caller. */
  idleSince?: Date;
  /** When wrap-up ends by itself (wrap_up only). */
  wrapEndsAt?: Date;
  /** The call the agent is ringing for or talking to (ringing, on_call), its queue and queue entry. */
  callId?: string;
  queueId?: string;
  entryId?: string;
  /** Offers missed in a row. */
  missedOffers: number;
  /** The engine ringing the agent or holding the call. */
  engineInstanceId?: string;
}

/** One change in an agent's state log. */
export interface AgentStateChange {
  id: string;
  agentId: string;
  at: Date;
  state: AgentStateName;
  previous?: AgentStateName;
  reason?: string;
  callId?: string;
  queueId?: string;
  /** Who: the adviser, a supervisor, `system:acd`. */
  actor: Actor;
}

/** What a person (the adviser, a supervisor) may set: ringing, on a call and wrap-up are the ACD's. */
export type PresenceChange =
  | { state: 'available' }
  | { state: 'break'; reason: string }
  | { state: 'offline'; reason?: string };

export type SetAgentStateResult =
  | { kind: 'changed'; state: AgentState }
  /** Already in that state (and reason): nothing logged. */
  | { kind: 'unchanged'; state: AgentState }
  /** Ringing or on a call: change it after the call. */
  | { kind: 'busy'; state: AgentState }
  | NotFound;

export interface AgentStateRepository {
  /** Every real adviser's state, agents who never logged in included (offline, no `since`); by agent id. */
  list(): Promise<AgentState[]>;
  /** Any agent's state (simulated ones too); undefined when there is no such agent. */
  get(agentId: string): Promise<AgentState | undefined>;
  /**
   * Log in (available), take a break with a reason, come back from wrap-up early, log out — logged with
   * `actor` in the same transaction. Becoming available wakes every engine's dispatch.
   */
  set(agentId: string, change: PresenceChange, at: Date, actor: Actor): Promise<SetAgentStateResult>;
  /** The agent's state log, newest first. */
  history(agentId: string, page: Page): Promise<Paged<AgentStateChange>>;
}

// ───────────────────────────── queue entries ─────────────────────────────

/** caller: on the line, held by one engine. callback: hung up, to be called back in the same place. */
export type QueueEntryKind = 'caller' | 'callback';
export type QueueEntryState = 'waiting' | 'offered' | 'connected' | 'ended';

/** How a caller's (or callback's) time in a queue ended. */
export type QueueEntryOutcome =
  | 'answered'
  | 'abandoned'
  | 'timeout'
  | 'overflowed'
  | 'closed'
  | 'exit'
  | 'transferred'
  | 'callback_completed'
  | 'callback_failed'
  | 'engine_lost';

/** The queue half of a call record (calls.queue_outcome). */
export type CallQueueOutcome =
  | 'answered'
  | 'abandoned'
  | 'overflowed'
  | 'timeout'
  | 'closed'
  | 'exit'
  | 'transferred'
  | 'callback_requested'
  | 'callback_completed'
  | 'callback_failed'
  | 'engine_lost';

export interface NewQueueEntry {
  id: string;
  realm: string;
  queueId: string;
  callId: string;
  priority: number;
  /** Skill → the lowest level that will do. */
  skills: Record<string, number>;
  enteredAt: Date;
  /** The engine holding the caller. */
  engineInstanceId: string;
  callerNumber: string;
  /** How long this caller's engine lets an offered agent ring. */
  ringTimeoutMs: number;
  /** What the agent sees about the caller: already redacted (never digits from sensitive nodes). */
  context: Record<string, VarValue>;
}

export interface QueueEntry extends NewQueueEntry {
  kind: QueueEntryKind;
  state: QueueEntryState;
  /** Offered, talking, or (ended) who answered. */
  agentId?: string;
  offeredAt?: Date;
  offerExpiresAt?: Date;
  missedAgents: string[];
  callbackNumber?: string;
  callbackAttempts: number;
  notBefore?: Date;
  answeredAt?: Date;
  endedAt?: Date;
  outcome?: QueueEntryOutcome;
}

/** An agent reserved for a caller by a dispatch pass: the owning engine rings them. */
export interface AcdOffer {
  entryId: string;
  agentId: string;
  /** The engine that rings the agent (holds the caller, or took the callback). */
  engineInstanceId: string;
  callId: string;
  queueId: string;
  kind: QueueEntryKind;
  /** When the offer was made: with entryId and agentId it names this offer (the same agent may be offered the caller again later). */
  offeredAt: Date;
  offerExpiresAt: Date;
}

/** Why an offered agent did not take the caller. */
export type MissedOffer = 'busy' | 'noAnswer' | 'failed' | 'rejected';

/** Ways a caller leaves a queue other than talking to an agent. */
export type QueueLeaving = 'abandoned' | 'timeout' | 'overflowed' | 'closed' | 'exit';

/** What the treatment and overflow rules need to know about a queue now. */
export interface QueueFigures {
  /** Callers and callbacks waiting or ringing an agent. */
  waiting: number;
  /** Agents serving the queue who are logged in (any state but offline). */
  loggedIn: number;
  /** …of whom working (available, ringing, on a call, wrapping up: not on a break). */
  staffed: number;
  /** …of whom available now. */
  available: number;
  /** Mean talk + wrap-up of the queue's recent answered calls (seconds), when there are any. */
  meanHandleSeconds?: number;
}

export type QueueEventType =
  | 'entered'
  | 'position_announced'
  | 'callback_offered'
  | 'callback_accepted'
  | 'offered'
  | 'missed'
  | 'answered'
  | 'talk_ended'
  | 'abandoned'
  | 'timeout'
  | 'overflowed'
  | 'closed'
  | 'left'
  | 'transferred'
  | 'priority_raised'
  | 'callback_dialed'
  | 'callback_completed'
  | 'callback_failed'
  | 'engine_lost';

export interface QueueEvent {
  id: string;
  realm: string;
  at: Date;
  type: QueueEventType;
  queueId: string;
  entryId?: string;
  callId?: string;
  agentId?: string;
  data: Record<string, VarValue>;
}

export type NewQueueEvent = Omit<QueueEvent, 'id'>;

export interface QueueEventFilter {
  realm?: string;
  queueId?: string;
  callId?: string;
  agentId?: string;
  type?: QueueEventType;
  since?: Date;
  until?: Date;
}

export interface QueueEntryFilter {
  realm?: string;
  queueId?: string;
  callId?: string;
  state?: QueueEntryState;
  kind?: QueueEntryKind;
  engineInstanceId?: string;
}

/** A simulated agent of a test realm (a designer's test call, a flow test, a bench). */
export interface SimulatedAgentInput {
  id: string;
  name: string;
  queueIds: string[];
  skills: Record<string, number>;
  /** Logged in from the start (else logged out). */
  state?: { state: 'available' } | { state: 'break'; reason: string };
}

/** Signals between engines sharing the database (LISTEN/NOTIFY; this process's own are delivered at once). */
export type AcdSignal =
  /** Something changed that may let a dispatch pass offer a caller to an agent. */
  | { kind: 'wake'; realm: string }
  /** An agent was reserved for a caller held by `offer.engineInstanceId`. */
  | { kind: 'offer'; realm: string; offer: AcdOffer };

export type GoneEntry = { kind: 'gone' };

export interface AcdRepository {
  /** Puts a caller in a queue: the entry, the 'entered' event and the call record's queue, together. */
  enter(entry: NewQueueEntry): Promise<{ kind: 'entered'; entry: QueueEntry } | { kind: 'alreadyQueued' } | { kind: 'queueNotFound'; queueId: string }>;
  /**
   * One dispatch pass for `realm` at `at`: waiting callers, highest priority then longest waiting, offered
   * to the longest idle available agent serving the queue with the skills; entries and agents claimed FOR
   * UPDATE SKIP LOCKED (any number of engines may run passes at once). Also ends wrap-ups whose time is up.
   * Each offer is signalled to the engine that rings the agent. Callbacks nobody is working on are taken by
   * this engine when `takeCallbacks` (it places calls).
   */
  dispatch(realm: string, at: Date, engineInstanceId: string, limit: number, takeCallbacks: boolean): Promise<AcdOffer[]>;
  /** Offers this engine has to ring (in case a signal was missed). */
  offersFor(engineInstanceId: string, realm: string): Promise<AcdOffer[]>;
  /** The offered agent answered: the caller is connected, the agent on a call, the call record gets agent and wait. */
  answered(entryId: string, agentId: string, at: Date): Promise<{ kind: 'connected'; entry: QueueEntry } | GoneEntry>;
  /**
   * The offered agent did not take the caller: the caller waits again (offered to others first), the agent
   * is free again — or on break "missed calls" after `maxMissedOffers` missed in a row.
   */
  missed(
    entryId: string,
    agentId: string,
    result: MissedOffer,
    at: Date,
    options: { maxMissedOffers: number },
  ): Promise<{ kind: 'missed'; agent: 'available' | 'break'; entry: 'waiting' | 'gone' }>;
  /**
   * The caller and agent finished talking (or the agent transferred the caller on): the entry ends, the
   * agent wraps up until at + wrapUpSeconds (available at once for 0), the call record gets talk time and
   * its queue outcome.
   */
  talkEnded(entryId: string, at: Date, end: { talkSeconds: number; wrapUpSeconds: number; outcome: 'answered' | 'transferred'; to?: string }): Promise<void>;
  /**
   * The caller left the queue without talking to an agent. An agent ringing for them is freed (not a
   * miss). The call record's queue outcome says how (abandoned after N s …).
   */
  leave(entryId: string, how: QueueLeaving, at: Date, data?: Record<string, VarValue>): Promise<{ kind: 'left'; waitSeconds: number } | GoneEntry>;
  /** The caller asked to be called back on `number`: the entry becomes a callback, keeping its place. */
  toCallback(entryId: string, number: string, at: Date): Promise<{ kind: 'callback'; entry: QueueEntry } | GoneEntry>;
  /**
   * A callback attempt ended. `completed`: the caller was reached and talked (the agent wraps up).
   * Otherwise the agent is freed and the callback waits again from `retryAt` in the same place, or —
   * without `retryAt` — ends as callback_failed.
   */
  callbackAttempt(
    entryId: string,
    at: Date,
    result: { kind: 'completed'; talkSeconds: number; wrapUpSeconds: number } | { kind: 'failed'; reason: string; retryAt?: Date; agentMissed?: MissedOffer },
  ): Promise<void>;
  /** Raises the caller's priority (never lowers it). */
  raisePriority(entryId: string, priority: number, at: Date): Promise<void>;
  /** Wrap-up over (its time is up, or the adviser is ready): available. False when the agent was not wrapping up. */
  endWrapUp(agentId: string, at: Date): Promise<boolean>;
  /** 1 = next; undefined once the entry has ended. Counts callers of the same queue ahead (higher priority, or equal and earlier). */
  position(entryId: string): Promise<number | undefined>;
  figures(realm: string, queueId: string, at: Date): Promise<QueueFigures>;
  entry(entryId: string): Promise<QueueEntry | undefined>;
  entries(filter: QueueEntryFilter): Promise<QueueEntry[]>;
  /** Appends to the queue event log. */
  logEvent(event: NewQueueEvent): Promise<void>;
  /** Oldest first. */
  events(filter: QueueEventFilter, page: Page): Promise<Paged<QueueEvent>>;
  /** Offers nobody reported on by `at` (their engine is stuck): the callers wait again, the agents are freed. */
  expireOffers(realm: string, at: Date): Promise<number>;
  /** Simulated agents for a test realm, logged out or in the state given, as of `at`. */
  addSimulatedAgents(realm: string, agents: SimulatedAgentInput[], at?: Date): Promise<void>;
  /** A caller's place and the queue's figures, in one read (undefined once the entry has ended). */
  standing(entryId: string, at: Date): Promise<{ position: number; figures: QueueFigures } | undefined>;
  /** A test realm is over: its simulated agents go (its entries and events stay, as history). */
  closeRealm(realm: string): Promise<void>;
}
