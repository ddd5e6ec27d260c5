/**
 * A test call placed by a person (the designer's test-call panel, `frontdoor call` at a terminal):
 * they press keys, speak (typed words) and hang up whenever they like, in real time. With `at`, the
 * call's clock starts at that instant ("try Saturday 23:30") and runs in real time from there.
 */
import { EventEmitter } from 'node:events';
import type { CallEvent, Clock, FlowPorts, PromptSegment, VarValue } from '../../../ports/index.js';
import type { Flow } from '../../../ports/flow.js';
import { runCall } from '../../../core/runtime/run-call.js';
import { SystemClock } from '../../clock/system-clock.js';
import { throughPhoneLine } from './phone-line.js';
import { SimulatedCall } from './simulated-call.js';
import { farEndsOf } from './simulated-payments.js';
import { worldSchema, type World, type WorldInput } from './world.js';
import type { DeskLegs } from '../../../ports/desk.js';

export interface LiveCallOptions {
  flow: Flow;
  /** The call's ports on its clock, from engine/src/calls/call-ports.ts (the one place ports are put together). */
  ports(clock: Clock, world: World): FlowPorts & { release?(): Promise<void> };
  world?: WorldInput;
  /** When the call happens (ISO 8601 or epoch ms); default now. */
  at?: string | number;
  from?: string;
  to?: string;
  callId?: string;
  vars?: Record<string, VarValue>;
  /** Advisers' desks, for agents the world does not simulate (a test call that rings the desk). */
  desk?: DeskLegs;
}

export interface LiveCallEnd {
  outcome: string;
  endedAt: string | undefined;
}

export interface LiveCall {
  readonly callId: string;
  press(digits: string): void;
  say(text: string): void;
  /** Real speech, 16-bit mono PCM at 8 or 16 kHz: passed through a phone line (8 kHz, G.711) first. */
  speak(pcm: Uint8Array, sampleRateHz: number): void;
  hangup(): void;
  on(event: 'event', listener: (event: CallEvent) => void): LiveCall;
  on(event: 'prompt', listener: (prompt: PromptSegment) => void): LiveCall;
  off(event: 'event' | 'prompt', listener: (...args: never[]) => void): LiveCall;
  /** Resolves when the call is over (never rejects: faults end the call as "failed"). */
  readonly finished: Promise<LiveCallEnd>;
}

let liveCalls = 0;

/** Start a live test call. Listeners added straight away see every event, from call.started on. */
export function startLiveCall(options: LiveCallOptions): LiveCall {
  const startAt = typeof options.at === 'string' ? Date.parse(options.at) : options.at;
  if (startAt !== undefined && Number.isNaN(startAt)) throw new Error(`at "${String(options.at)}" is not an ISO 8601 time`);
  const world = worldSchema.parse(options.world ?? {});
  const clock = new SystemClock(startAt === undefined ? {} : { startAt });
  const ports = options.ports(clock, world);
  const callId = options.callId ?? `live-${process.pid}-${++liveCalls}`;
  const call = new SimulatedCall({ callId, from: options.from ?? '+447700900123', to: options.to ?? '+441234500000', clock, input: 'live', world, farEnds: farEndsOf(ports.payments), ...(options.desk ? { desk: options.desk } : {}) });
  const emitter = new EventEmitter();
  call.onPrompt((segment) => emitter.emit('prompt', segment));
  const finished = Promise.resolve()
    .then(() => runCall({ flow: options.flow, call, ports, events: { append: (event) => emitter.emit('event', event) }, ...(options.vars ? { vars: options.vars } : {}) }))
    .then(({ outcome, endedAt }) => ({ outcome, endedAt }))
    // The call's share of the world (its ACD realm) is let go once it has ended.
    .finally(() => ports.release?.().catch(() => undefined));
  const live: LiveCall = {
    callId,
    press: (digits) => call.press(digits),
    say: (text) => call.say(text),
    speak: (pcm, sampleRateHz) => call.speak(throughPhoneLine(pcm, sampleRateHz), 8000),
    hangup: () => call.callerHangup(),
    on(event: 'event' | 'prompt', listener: (arg: never) => void) {
      emitter.on(event, listener as (...args: unknown[]) => void);
      return live;
    },
    off(event, listener) {
      emitter.off(event, listener as (...args: unknown[]) => void);
      return live;
    },
    finished,
  };
  return live;
}
