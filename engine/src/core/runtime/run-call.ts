/**
 * One call through a flow: one XState actor per call on the flow version's machine, an append-only
 * event log, and the caller's hang-up turned into an event that leaves whatever node is running.
 */
import { createActor, createEmptyActor, toPromise, type AnyActorRef, type AnyStateMachine } from 'xstate';
import type { CallChannel, CallEvent, CallEventSink, CallEventType, VarValue } from '../../ports/index.js';
import { CALLER_HANGUP_EVENT } from '../compile/compile-flow.js';
import { createFlowMachine, type CallMachineInput, type FlowRunOutput, type SubflowRequest } from './create-flow-machine.js';
import { EngineError, describeFault } from '../engine-error.js';
import type { Flow } from '../flow/schema.js';
import { CallEventLog } from './event-log.js';
import type { FlowPorts } from '../../ports/flow-ports.js';
import { SubflowCall } from './subflow-call.js';

export interface RunCallOptions {
  flow: Flow;
  call: CallChannel;
  ports: FlowPorts;
  events: CallEventSink;
  /** Variables the call starts with. */
  vars?: Record<string, VarValue>;
  /**
   * Told once the call runs (and its returned function once it has ended): what acts on a running call
   * from outside its flow — an adviser's "take payment" — reaches the call, its ports and its event log here.
   */
  attach?(running: RunningCall): () => void;
}

/** A call while its flow runs, for work done on it from outside the flow (engine/src/calls/running-calls.ts). */
export interface RunningCall {
  readonly call: CallChannel;
  readonly ports: FlowPorts;
  /** Adds an event to the call's log, numbered after the flow's own (redacted on the way in). */
  log(type: CallEventType, data: CallEvent['data']): void;
}

export type CallRunResult = FlowRunOutput;

const PORT_NAMES = ['speech', 'payments', 'queue', 'http', 'clock', 'flows', 'schedules', 'prompts', 'secrets'] as const;
const samePorts = (a: FlowPorts, b: FlowPorts): boolean => PORT_NAMES.every((name) => a[name] === b[name]);

/**
 * A flow version's machine bound to a set of ports, and the XState actor system its calls share: each
 * call's actor is a child of `switchboard` (an actor that does nothing), so a call costs one actor, not
 * one actor plus a system of its own.
 */
interface BoundMachine {
  ports: FlowPorts;
  machine: AnyStateMachine;
  switchboard: AnyActorRef;
}

/** Machines by flow version, each with the ports it was bound to (callers may pass a fresh wrapper object per call). */
const machines = new WeakMap<Flow, BoundMachine[]>();

function boundMachine(flow: Flow, ports: FlowPorts): BoundMachine {
  let bound = machines.get(flow);
  if (!bound) machines.set(flow, (bound = []));
  const found = bound.find((entry) => samePorts(entry.ports, ports));
  if (found) return found;
  const switchboard = createEmptyActor();
  switchboard.start();
  const entry = { ports: { ...ports }, machine: createFlowMachine(flow, ports), switchboard };
  bound.push(entry);
  return entry;
}

/** One machine per flow version and set of ports, shared by every call on it. */
export function flowMachine(flow: Flow, ports: FlowPorts): AnyStateMachine {
  return boundMachine(flow, ports).machine;
}

export async function runCall(options: RunCallOptions): Promise<CallRunResult> {
  const { flow, call, ports } = options;
  const log = new CallEventLog(call.callId, ports.clock, options.events);
  log.append('call.started', undefined, { flowId: flow.id, from: call.from, to: call.to });
  const detach = options.attach?.({ call, ports, log: (type, data) => log.append(type, undefined, data) });
  let result: CallRunResult;
  try {
    await call.answer();
    result = await runFlowOnCall({ flow, call, ports, log, vars: { ...options.vars }, nodePrefix: '', depth: 0 });
  } catch (error) {
    // Only a fault outside every node (answering, a broken flow) gets here: end the call, never hang.
    log.append('error', undefined, describeFault(error));
    result = { outcome: call.hungUp ? 'callerHungUp' : 'failed', endedAt: undefined, vars: { ...options.vars } };
  }
  if (!call.hungUp) await call.hangup(result.outcome).catch(() => undefined);
  detach?.();
  log.append('call.ended', result.endedAt, { outcome: result.outcome });
  return result;
}

interface FlowRunOptions {
  flow: Flow;
  call: CallChannel;
  ports: FlowPorts;
  log: CallEventLog;
  vars: Record<string, VarValue>;
  nodePrefix: string;
  depth: number;
  /** Stops the run (a subflow whose parent node was left). */
  signal?: AbortSignal;
}

/** Not async: a call should not hold a suspended frame here while it waits (the bench holds 20,000). */
function runFlowOnCall(options: FlowRunOptions): Promise<FlowRunOutput> {
  const { flow, call, ports, signal } = options;
  const input: CallMachineInput = {
    call,
    log: options.log,
    vars: options.vars,
    nodePrefix: options.nodePrefix,
    depth: options.depth,
    runSubflow: runSubflowOnCall,
  };
  const { machine, switchboard } = boundMachine(flow, ports);
  // A subflow's run is stopped when its parent node is left, and XState stops only root actors from
  // outside: it gets a system of its own. A call's top-level run ends by itself and shares one.
  const actor = createActor(machine, signal ? { input } : { input, parent: switchboard });
  const stopListening = call.onHangup(() => actor.send({ type: CALLER_HANGUP_EVENT }));
  const stop = signal ? stopper(actor) : undefined;
  if (stop) signal!.addEventListener('abort', stop, { once: true });
  const cleanUp = cleaner(stopListening, signal, stop);
  const done = toPromise(actor);
  try {
    actor.start();
    if (call.hungUp && actor.getSnapshot().status === 'active') actor.send({ type: CALLER_HANGUP_EVENT });
  } catch (error) {
    cleanUp();
    throw error;
  }
  return done.then(
    (output) => {
      cleanUp();
      if (!output) throw signal?.reason ?? new DOMException('the flow was stopped', 'AbortError');
      return output as FlowRunOutput;
    },
    (error: unknown) => {
      cleanUp();
      throw error;
    },
  );
}

// Factories rather than inline arrows: anonymous functions stay smaller than named ones under tsx.
function stopper(actor: { stop(): unknown }): () => void {
  return () => actor.stop();
}

function cleaner(stopListening: () => void, signal: AbortSignal | undefined, stop: (() => void) | undefined): () => void {
  return () => {
    stopListening();
    if (stop) signal!.removeEventListener('abort', stop);
  };
}

/**
 * Subflows deeper than this end with the `subflow-too-deep` fault (the node's error exit, else the flow's
 * fallback: apologise, offer a person). Publishing refuses chains that come back to a flow, so only a
 * chain built some other way (flows published before that check, a database edited by hand) gets here.
 */
export const MAX_SUBFLOW_DEPTH = 10;

/**
 * Run a published flow on this call as a subflow. Its hang-up ends the subflow, not the call: the reason
 * (or answered / transferred / failed …) is its outcome, and the variables it changed come back as `set`.
 */
export async function runSubflowOnCall(options: SubflowRequest): Promise<{ outcome: string; set: Record<string, VarValue> }> {
  const depth = (options.depth ?? 0) + 1;
  if (depth > MAX_SUBFLOW_DEPTH) {
    throw new EngineError(
      'subflow-too-deep',
      `flow "${options.flowId}" would run ${depth} subflows deep (at most ${MAX_SUBFLOW_DEPTH}): the subflows probably run each other in a circle`,
    );
  }
  const flow = await options.ports.flows.published(options.flowId);
  if (!flow) throw new EngineError('subflow-missing', `flow "${options.flowId}" has no published version`);
  const call = new SubflowCall(options.call);
  const output = await runFlowOnCall({
    flow,
    call,
    ports: options.ports,
    log: options.log,
    vars: { ...options.vars },
    nodePrefix: `${options.nodePrefix ?? ''}${flow.id}/`,
    depth,
    signal: options.signal,
  });
  call.release();
  const set = Object.fromEntries(Object.entries(output.vars).filter(([name, value]) => options.vars[name] !== value));
  return { outcome: output.outcome, set };
}
