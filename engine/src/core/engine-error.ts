/**
 * An infrastructure fault while a node runs (media server gone, a service that should answer does not).
 * Expected call results (no input, busy, declined) are outcomes, never EngineErrors. The runtime sends a
 * node that throws along its `error` edge, or else to the flow-wide fallback.
 */
export class EngineError extends Error {
  override readonly name = 'EngineError';

  constructor(
    /** Stable machine-readable code, e.g. "media-server-lost", "gateway-unavailable". */
    readonly code: string,
    message: string,
    /** The node that was running, when known. */
    readonly nodeId?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The code and message of anything a node threw, for the call's event log. */
export function describeFault(error: unknown): { code: string; message: string } {
  if (error instanceof EngineError) return { code: error.code, message: error.message };
  if (error instanceof Error) return { code: 'unexpected', message: error.message };
  return { code: 'unexpected', message: String(error) };
}

/** True for the rejection a node's work gets when its signal aborts (caller hung up, call left the node). */
export const isAbort = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'AbortError';
