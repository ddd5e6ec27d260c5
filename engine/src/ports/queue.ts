import type { Destination } from './call-channel.js';
import type { VarValue } from './values.js';

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
  serviceLevel: { answeredWithinSeconds: number[]; shortAbandonSeconds: number };
}

/** The queue a caller asked for, as stored. */
export interface QueueInfo {
  id: string;
  name: string;
  serviceLine: string;
  settings: QueueSettings;
}

/** Automatic call distribution as the queue node sees it. */
export interface QueueJoinRequest {
  callId: string;
  queueId: string;
  /** Higher is served first (vulnerable callers are fast-tracked with a higher priority). */
  priority: number;
  skills: string[];
  /** What the agent should see about the caller. */
  vars: Readonly<Record<string, VarValue>>;
  signal: AbortSignal;
}

export type QueueJoinResult =
  | { kind: 'joined'; ticket: QueueTicket }
  | { kind: 'full' }
  | { kind: 'closed' }
  | { kind: 'noAgents' };

/** An agent reserved for this caller, to be rung. */
export interface AgentOffer {
  agentId: string;
  destination: Destination;
}

export interface QueueTicket {
  readonly ticketId: string;
  /** 1 = next to be served. */
  position(): Promise<number>;
  /** Estimated wait in ms, when the queue can tell. */
  estimatedWaitMs(): Promise<number | undefined>;
  /** Resolves when an agent has been reserved for this caller. */
  nextOffer(signal: AbortSignal): Promise<AgentOffer>;
  /** Report how ringing the offered agent went; a missed offer puts the caller back at the front. */
  offerResult(offer: AgentOffer, result: 'answered' | 'busy' | 'noAnswer' | 'failed'): Promise<void>;
  /** The caller left the queue (answered, timed out, hung up, or chose another option). */
  leave(reason: 'answered' | 'timeout' | 'abandoned' | 'exit'): Promise<void>;
}

export interface QueuePort {
  join(request: QueueJoinRequest): Promise<QueueJoinResult>;
}
