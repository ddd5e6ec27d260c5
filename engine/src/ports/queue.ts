import type { Destination } from './call-channel.js';
import type { VarValue } from './values.js';

/**
 * Automatic call distribution as the queue node sees it. Implemented by the ACD (engine/src/queue/)
 * over the database, for real calls and — in realms of their own, with simulated agents — for test
 * calls, flow tests and benches alike.
 */

/** A prompt as stored data: a prompt-library id and/or text per language (the node param's shape). */
export interface StoredPrompt {
  promptId?: string;
  text: Record<string, string>;
}

export type OverflowTarget = { kind: 'none' } | { kind: 'queue'; queueId: string } | { kind: 'flow'; flowId: string } | { kind: 'voicemail' };

type Key = '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9' | '*' | '#';

/** A queue's settings with defaults filled in: the output of engine/src/queue/queue-settings.ts. */
export interface QueueSettings {
  maxWaitSeconds: number;
  maxCallers: number;
  overflow: OverflowTarget;
  priorityRules: { variable: string; equals: string | number | boolean; priority: number }[];
  treatment: {
    holdMusic?: string | undefined;
    announceEverySeconds: number;
    announcePosition: boolean;
    announceWait: boolean;
    periodicMessages: { prompt: StoredPrompt; everySeconds: number }[];
  };
  callback: { enabled: boolean; offerAfterSeconds: number; key: Key; confirmNumber: boolean; maxAttempts: number; retryAfterSeconds: number };
  messageKey?: Key | undefined;
  wrapUpSeconds: number;
  ringTimeoutSeconds: number;
  maxMissedOffers: number;
  recordCalls: boolean;
  whisper: boolean;
  serviceLevel: {
    answeredWithinSeconds: number[];
    shortAbandonSeconds: number;
    /** One per threshold when given (queue-settings.ts targetPercentsOf fills the defaults in). */
    targetPercents?: number[] | undefined;
    abandonedTargetPercent: number;
  };
  /** Listening while callers wait: safeguarding words said in the queue raise the caller's priority. */
  listening: QueueListening;
}

/** A queue that hears its waiting callers (when its media servers can stream their audio). */
export interface QueueListening {
  enabled: boolean;
  /** Flagged words and phrases (the speech node's matcher: stems, words between, negation). */
  phrases: string[];
  /** Phrases that sound like harm but are not ("fallen behind" with a bill): said, they take the words away. */
  notPhrases: string[];
  /** Priority a caller who says them is raised to (never lowered). */
  priority: number;
  /** Matches the recogniser is less sure of are not acted on (0–1). */
  minConfidence: number;
  /** Matches below this confidence are confirmed first ("press 1 or say yes"); 0: never ask. */
  confirmBelowConfidence: number;
  /** Longest stretch of talk listened to at once (seconds). */
  maxSpeechSeconds: number;
}

/** The queue a caller asked for, as stored. */
export interface QueueInfo {
  id: string;
  name: string;
  serviceLine: string;
  settings: QueueSettings;
}

export interface QueueJoinRequest {
  callId: string;
  queueId: string;
  /** Higher is served first (vulnerable callers are fast-tracked with a higher priority). */
  priority: number;
  /** Skills the agent needs: names (any level), or name → the lowest level that will do. */
  skills: readonly string[] | Readonly<Record<string, number>>;
  /** What the agent should see about the caller (redacted by the runtime: no digits from sensitive nodes). */
  vars: Readonly<Record<string, VarValue>>;
  /** The caller's number, for a callback. */
  callerNumber?: string;
  /** A caller moved from another queue keeps the time they have waited (epoch ms they started waiting). */
  waitingSince?: number;
  signal: AbortSignal;
}

export type QueueJoinResult =
  | { kind: 'joined'; ticket: QueueTicket; queue: QueueInfo }
  /** As many callers wait as the queue takes. */
  | { kind: 'full'; queue: QueueInfo }
  /** Outside the queue's opening hours. */
  | { kind: 'closed'; queue: QueueInfo }
  /** Nobody who serves the queue is logged in. */
  | { kind: 'noAgents'; queue: QueueInfo };

/** An agent reserved for this caller, to be rung now. */
export interface AgentOffer {
  agentId: string;
  /** The agent's name, for the call record and the designer's test call. */
  agentName: string;
  destination: Destination;
}

export interface QueueStatus {
  /** 1 = next to be served. */
  position: number;
  /** Expected wait from now, when the queue can tell (recent handle times and agents staffed). */
  estimatedWaitMs?: number;
  /** Inside the queue's opening hours. */
  open: boolean;
  /** Agents serving the queue who are logged in. */
  agentsLoggedIn: number;
}

/** Why a rung agent did not take the caller. */
export type OfferMissed = 'busy' | 'noAnswer' | 'failed' | 'rejected';

/** Ways a caller leaves a queue without talking to an agent. */
export type QueueLeaveReason = 'timeout' | 'abandoned' | 'exit' | 'overflowed' | 'closed';

export interface QueueTicket {
  readonly ticketId: string;
  /** When the caller started waiting (epoch ms; kept across queues). */
  readonly waitingSince: number;
  /** Undefined once the caller is no longer in the queue (e.g. their entry was ended by another engine). */
  status(): Promise<QueueStatus | undefined>;
  /** Resolves when an agent has been reserved for this caller: ring them now. */
  nextOffer(signal: AbortSignal): Promise<AgentOffer>;
  /** The agent answered (BridgeOptions.onAnswer): the caller is connected, the agent on a call. */
  answered(offer: AgentOffer): Promise<void>;
  /** The agent did not take the caller: the caller waits again, still at the front; the agent may be set not ready. */
  missed(offer: AgentOffer, why: OfferMissed): Promise<void>;
  /** Talk over (the agent hung up, or passed the caller on with REFER to `transferredTo`): the caller has left the queue. */
  talkEnded(offer: AgentOffer, talk: { talkMs: number; transferredTo?: string }): Promise<void>;
  /** The caller left without talking to an agent. Idempotent; after answered/talkEnded it does nothing. */
  leave(reason: QueueLeaveReason): Promise<void>;
  /** Turn the wait into a callback on `number`, keeping the caller's place; the caller then hangs up. */
  callback(number: string): Promise<{ kind: 'booked' } | { kind: 'gone' }>;
  /** Serve this caller sooner (safeguarding words said while waiting). Never lowers the priority. */
  raisePriority(priority: number): Promise<void>;
  /** Note what the caller was told, in the queue event log. */
  note(event: 'position_announced' | 'callback_offered', data: Readonly<Record<string, VarValue>>): Promise<void>;
}

export interface QueuePort {
  /** Throws an EngineError when the queue does not exist (a configuration fault: the flow's error edge). */
  join(request: QueueJoinRequest): Promise<QueueJoinResult>;
}
