/**
 * A whole call driven by a script of caller actions on its own simulated clock: the same script always
 * gives the same events at the same times, and a call of many minutes runs in milliseconds.
 */
import type { CallEventSink, Clock, FlowPorts, PromptSegment, VarValue } from '../../../ports/index.js';
import type { Flow } from '../../../ports/flow.js';
import { MemoryEventSink } from '../../../core/runtime/event-log.js';
import { runCall, type CallRunResult } from '../../../core/runtime/run-call.js';
import type { CallerAction } from './caller-action.js';
import { SimulatedCall } from './simulated-call.js';
import { SimulatedClock } from './simulated-clock.js';
import { farEndsOf } from './simulated-payments.js';
import { DEFAULT_CALL_TIME } from './simulated-ports.js';
import type { World } from './world.js';

/** A scripted call still going after this much simulated time is ended: the caller gives up. */
export const MAX_SCRIPTED_CALL_MS = 2 * 60 * 60 * 1000;
export const DEFAULT_FROM = '+447700900123';
export const DEFAULT_TO = '+441234500000';

export interface ScriptedCallOptions {
  flow: Flow;
  /** The call's ports on its clock, from engine/src/calls/call-ports.ts (the one place ports are put together). */
  ports(clock: Clock, world: World): FlowPorts & { release?(): Promise<void> };
  caller: readonly CallerAction[];
  world: World;
  /** Start time, epoch ms (default Wednesday 2026-01-07 10:00 London). */
  at?: number;
  from?: string;
  to?: string;
  callId?: string;
  vars?: Record<string, VarValue>;
  /** Also hand each event here as it happens (the terminal's running commentary). */
  onEvent?: CallEventSink['append'];
  /** Each prompt segment as it starts playing. */
  onPrompt?: (segment: PromptSegment, at: number) => void;
  /** Hangs the call up (whoever asked for it went away). */
  signal?: AbortSignal;
}

export interface ScriptedCallResult extends CallRunResult {
  events: MemoryEventSink['events'];
  call: SimulatedCall;
  clock: SimulatedClock;
}

export async function runScriptedCall(options: ScriptedCallOptions): Promise<ScriptedCallResult> {
  const clock = new SimulatedClock(options.at ?? DEFAULT_CALL_TIME);
  const ports = options.ports(clock, options.world);
  const call = new SimulatedCall({
    callId: options.callId ?? 'scripted-call',
    from: options.from ?? DEFAULT_FROM,
    to: options.to ?? DEFAULT_TO,
    clock,
    input: options.caller,
    world: options.world,
    farEnds: farEndsOf(ports.payments),
  });
  const { onPrompt, onEvent } = options;
  if (onPrompt) call.onPrompt((segment) => onPrompt(segment, clock.now()));
  const giveUp = new AbortController();
  clock.sleep(MAX_SCRIPTED_CALL_MS, giveUp.signal).then(
    () => call.callerHangup(),
    () => undefined,
  );
  const hangUp = () => call.callerHangup();
  options.signal?.addEventListener('abort', hangUp, { once: true });
  const memory = new MemoryEventSink();
  const events: CallEventSink = onEvent
    ? {
        append: (event) => {
          memory.append(event);
          onEvent(event);
        },
      }
    : memory;
  try {
    const result = await runCall({ flow: options.flow, call, ports, events, ...(options.vars ? { vars: options.vars } : {}) });
    return { ...result, events: memory.events, call, clock };
  } finally {
    giveUp.abort();
    options.signal?.removeEventListener('abort', hangUp);
    // The call's share of the world (its ACD realm, whose callbacks run their course first) is let go.
    await ports.release?.();
  }
}
