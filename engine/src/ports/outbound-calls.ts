import type { CallChannel, Destination } from './call-channel.js';

/**
 * Calls the engine places itself (callbacks: ring the agent, then dial the caller back). Implemented
 * by the drachtio adapter (real SIP through the trunk or to a registered agent) and by the simulator.
 */
export interface DialOptions {
  /** Presented to the far end. */
  callerId: string;
  ringTimeoutMs: number;
  /** The call record's id for the new call (defaults to the SIP Call-ID). */
  callId?: string;
  signal: AbortSignal;
}

export type DialResult =
  /** The far end answered: a channel to play to, collect from and bridge onward, like an inbound caller's. */
  | { kind: 'answered'; call: CallChannel }
  | { kind: 'busy' }
  | { kind: 'noAnswer' }
  | { kind: 'failed'; reason: string };

export interface OutboundCalls {
  dial(destination: Destination, options: DialOptions): Promise<DialResult>;
}
