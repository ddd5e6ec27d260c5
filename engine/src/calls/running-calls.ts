/**
 * The calls this engine is running now (phone calls and designer test calls), by call id: what acts on
 * a running call from outside its flow — an adviser's "take payment" on the agent desk — finds the call,
 * its ports and its event log here. runCall attaches each call while its flow runs (RunCallOptions.attach).
 */
import type { RunningCall } from '../core/runtime/run-call.js';

export type { RunningCall } from '../core/runtime/run-call.js';

export class RunningCalls {
  private readonly calls = new Map<string, RunningCall>();

  /** For RunCallOptions.attach: the call is found here until its flow ends. */
  readonly attach = (running: RunningCall): (() => void) => {
    const callId = running.call.callId;
    this.calls.set(callId, running);
    return () => {
      if (this.calls.get(callId) === running) this.calls.delete(callId);
    };
  };

  /** The call, if this engine runs it. */
  get(callId: string): RunningCall | undefined {
    return this.calls.get(callId);
  }

  get size(): number {
    return this.calls.size;
  }
}
