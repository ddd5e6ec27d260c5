import type { CallEvent, CallEventSink, CallEventType, Clock, VarValue } from '../../ports/index.js';
import { REDACTED, redactValue } from '../redaction.js';

export { REDACTED } from '../redaction.js';

/**
 * A call's append-only event log: numbered 1, 2, 3 … on the call's clock, handed to a sink
 * (memory, PostgreSQL, the designer's websocket). Every event passes the redaction layer
 * (core/redaction.ts) on the way in: no card-like number reaches any sink, whoever wrote the event.
 */
export class CallEventLog {
  private seq = 0;

  constructor(
    readonly callId: string,
    private readonly clock: Clock,
    private readonly sink: CallEventSink,
  ) {}

  append(type: CallEventType, nodeId: string | undefined, data: CallEvent['data']): void {
    const event: CallEvent = { callId: this.callId, seq: ++this.seq, at: this.clock.now(), type, data: redactValue(data) };
    if (nodeId !== undefined) event.nodeId = nodeId;
    this.sink.append(event);
  }
}

/** A note a node adds, with every value of its digit entries replaced when the node handles secrets. */
export function redactNote(
  type: CallEventType,
  data: Record<string, VarValue>,
  sensitive: boolean,
): Record<string, VarValue> {
  if (!sensitive || type !== 'input.digits') return data;
  return Object.fromEntries(Object.keys(data).map((key) => [key, REDACTED]));
}

/** A sink that keeps events in memory (tests, test calls). */
export class MemoryEventSink implements CallEventSink {
  readonly events: CallEvent[] = [];

  append(event: CallEvent): void {
    this.events.push(event);
  }
}
