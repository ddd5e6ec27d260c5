import type { Destination } from '../../../ports/index.js';

/**
 * A party a simulated call can be handed to that talks back: the fake Pay360 payment line. It says
 * things to the caller and reads the caller's keys (and, first, the keys frontdoor sends it).
 */
export interface FarEndLine {
  say(text: string, signal: AbortSignal): Promise<void>;
  /** The next key (what frontdoor sent first, then the caller's); undefined after `timeoutMs` without one. */
  nextKey(timeoutMs: number, signal: AbortSignal): Promise<string | undefined>;
}

export interface SimulatedFarEnd {
  /** Talk with the caller; resolves when the far end hangs up. */
  converse(line: FarEndLine, signal: AbortSignal): Promise<void>;
}

/** Who answers a destination in the simulator with a conversation (undefined: it just answers). */
export type FarEnds = (destination: Destination) => SimulatedFarEnd | undefined;
