/**
 * The agent desk's data: the break reasons and disposition codes a council sets, each adviser's wrap-up
 * of a call (disposition and note, on the call record), and the desks' connections (an adviser whose
 * browser closes mid-shift is set offline after a grace period). Types only — implemented in
 * engine/src/adapters/storage/postgres/desk-repository.ts. Times come from the caller's Clock.
 */
import type { Actor, CrudRepository } from './store.js';

/** Why an adviser is not taking calls ("Lunch", "Training"). */
export interface BreakReason {
  id: string;
  name: string;
  updatedAt: Date;
}

/** How a call ended, as the adviser records it ("Report taken"). */
export interface DispositionCode {
  id: string;
  name: string;
  /** Queues whose calls may take it; empty: every queue. */
  queueIds: string[];
  updatedAt: Date;
}

export type BreakReasonInput = Omit<BreakReason, 'updatedAt'>;
export type DispositionCodeInput = Omit<DispositionCode, 'updatedAt'>;

/** One adviser's part of a call: the note taken during it and the disposition chosen after. */
export interface CallWrapUp {
  callId: string;
  agentId: string;
  queueId?: string;
  dispositionId?: string;
  /** The code's name when it was chosen. */
  dispositionName?: string;
  note: string;
  startedAt: Date;
  updatedAt: Date;
  /** When the adviser finished the wrap-up; undefined while it is a note in progress. */
  wrappedAt?: Date;
  actor: Actor;
}

export type SaveWrapUpResult =
  | { kind: 'saved'; wrapUp: CallWrapUp }
  | { kind: 'callNotFound'; callId: string }
  | { kind: 'dispositionNotFound'; dispositionId: string }
  /** The code is for other queues' calls. */
  | { kind: 'dispositionNotForQueue'; dispositionId: string; queueId: string };

export interface DeskRepository {
  /**
   * Keeps the note the adviser is writing (during the call or in wrap-up); a finished wrap-up keeps its code,
   * and the row keeps the queue it was first written for (the queue the adviser took the call from).
   */
  saveNote(wrap: { callId: string; agentId: string; queueId?: string; note: string }, at: Date, actor: Actor): Promise<SaveWrapUpResult>;
  /** Finishes the adviser's wrap-up: the code (checked against the call's queue) and the final note; audited. */
  wrapUp(wrap: { callId: string; agentId: string; queueId?: string; dispositionId: string; note: string }, at: Date, actor: Actor): Promise<SaveWrapUpResult>;
  /** A call's wrap-ups, oldest first. */
  wrapUpsOf(callId: string): Promise<CallWrapUp[]>;
  /** The wrap-ups of several calls at once (previous calls from a number), by call id. */
  wrapUpsOfCalls(callIds: readonly string[]): Promise<Map<string, CallWrapUp[]>>;

  /** A desk connected (its websocket is open on this engine). */
  connected(connection: { id: string; agentId: string; engineInstanceId: string }, at: Date): Promise<void>;
  /** This engine's open desks are still there. */
  seen(engineInstanceId: string, at: Date): Promise<void>;
  /** A desk's websocket closed. */
  closed(connectionId: string, at: Date): Promise<void>;
  /**
   * Advisers who used a desk and have none open now — the last closed, or its engine silent (not seen),
   * at or before `before` — and are still available, on a break or wrapping up: set them offline.
   * Old closed connections are forgotten on the way.
   */
  deserted(before: Date): Promise<string[]>;
}

/** The desk's part of the Store. */
export interface DeskStore {
  readonly breakReasons: CrudRepository<BreakReason, BreakReasonInput>;
  readonly dispositionCodes: CrudRepository<DispositionCode, DispositionCodeInput, { kind: 'queueNotFound'; queueId: string }>;
  readonly desk: DeskRepository;
}

// ───────────────────────────── call control from the desk ─────────────────────────────

/** Where an adviser sends the caller on. */
export type TransferTarget = { kind: 'queue'; queueId: string } | { kind: 'agent'; agentId: string } | { kind: 'number'; e164: string };

/** One adviser's leg of one call. */
export interface DeskLegId {
  callId: string;
  agentId: string;
}

/**
 * What an adviser does to a call from the desk, for legs the engine holds itself (a designer's test call
 * that rings the desk). The browser phone does the same over SIP (answer, decline, hold re-INVITE, REFER).
 */
export type DeskCommand = DeskLegId &
  (
    | { kind: 'answer' }
    | { kind: 'decline' }
    | { kind: 'hold'; on: boolean }
    | { kind: 'hangup' }
    /** Blind: the caller goes at once; the adviser's part ends. */
    | { kind: 'transfer'; target: TransferTarget }
  );

/** How an adviser's part of a call ended, as the desk reports it to the bridge. */
export type DeskTalkEnd = { kind: 'hungUp' } | { kind: 'transferred'; target: TransferTarget };

/**
 * The desk as the far end of a bridge to an adviser, for calls the engine simulates (a designer's test
 * call offered to a real adviser): it rings on the desk until the adviser answers or declines, then lasts
 * until they hang up or transfer the caller. The caller hanging up or the ring timeout aborts `signal`.
 */
export interface DeskLegs {
  ring(leg: DeskLegId, signal: AbortSignal): Promise<'answered' | 'declined'>;
  talk(leg: DeskLegId, signal: AbortSignal): Promise<DeskTalkEnd>;
}


// ───────────────────────────── listening in ─────────────────────────────

/**
 * A supervisor listening in on an adviser's live call (FreeSWITCH eavesdrop on the engine holding it):
 * the supervisor's phone is rung and hears both sides, unheard by them. Implemented by the telephony
 * adapter; the desk has checked the call is not in a payment.
 */
export interface ListenIn {
  listen(request: { callId: string; agentId: string; supervisor: { agentId: string; destination: import('./call-channel.js').Destination } }): Promise<
    { kind: 'listening' } | { kind: 'notHere' } | { kind: 'failed'; reason: string }
  >;
}
