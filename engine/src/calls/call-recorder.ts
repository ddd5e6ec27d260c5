import type { CallEvent, CallEventSink } from '../ports/call-events.js';
import type { CallEnd, CallRepository, CallStart } from '../ports/store.js';

export interface CallRecorder {
  /** The call's event log, written to call_events in order (batched while a write is in flight). */
  readonly events: CallEventSink;
  /** Writes the last events, then ends the call's record. */
  finish(end: CallEnd): Promise<void>;
}

/**
 * One call's record: the calls row at once, then its events in order, then its end. Writes never
 * block the call; a failed write is reported to `onError` and the rest still go out.
 */
export function recordCall(calls: CallRepository, start: CallStart, onError: (what: string, error: unknown) => void): CallRecorder {
  let pending: CallEvent[] = [];
  let writing: Promise<void> = calls.start(start).then(
    () => undefined,
    (error: unknown) => onError(`call ${start.id}: start record`, error),
  );
  let flushQueued = false;

  const flush = () => {
    if (flushQueued) return;
    flushQueued = true;
    writing = writing.then(async () => {
      flushQueued = false;
      const batch = pending;
      pending = [];
      if (batch.length === 0) return;
      try {
        await calls.appendEvents(batch);
      } catch (error) {
        onError(`call ${start.id}: ${batch.length} events`, error);
      }
    });
  };

  return {
    events: {
      append(event) {
        pending.push(event);
        flush();
      },
    },
    async finish(end) {
      flush();
      await writing;
      try {
        await calls.end(start.id, end);
      } catch (error) {
        onError(`call ${start.id}: end record`, error);
      }
    },
  };
}
