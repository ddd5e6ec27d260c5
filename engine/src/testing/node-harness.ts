/**
 * Run one node kind on a simulated call, for node unit tests:
 *
 *   const r = await runNode(menuNode, { prompt: { text: { 'en-GB': 'Press 1' } }, options: [...] }, { caller: [{ press: '1' }] });
 *   expect(r.outcome).toBe('1');
 *
 * Params are parsed with the node's own schema (defaults applied); invalid params throw an Error naming
 * every bad field. Time is simulated and jumps whenever the node waits, so timeouts cost nothing.
 */
import type { CallChannel, CallEvent, Clock, PromptLibrary, Recognizer, SecretSource, StoredSchedule, VarValue } from '../ports/index.js';
import type { Flow } from '../core/flow/schema.js';
import type { AnyNodeDefinition } from '../core/nodes/define-node.js';
import { isAbort } from '../core/engine-error.js';
import { CallEventLog, MemoryEventSink } from '../core/runtime/event-log.js';
import { createNodeContext } from '../core/runtime/node-context.js';
import { runSubflowOnCall } from '../core/runtime/run-call.js';
import type { CallerAction } from '../adapters/telephony/simulator/caller-action.js';
import { SimulatedCall } from '../adapters/telephony/simulator/simulated-call.js';
import { SimulatedClock } from '../adapters/telephony/simulator/simulated-clock.js';
import { DEFAULT_CALL_TIME, simulatedStandIns } from '../adapters/telephony/simulator/simulated-ports.js';
import { farEndsOf } from '../adapters/telephony/simulator/simulated-payments.js';
import { simulatedCallPorts } from './simulated-call-ports.js';
import type { SimulatedHttpClient } from '../adapters/telephony/simulator/simulated-http-client.js';
import { worldSchema, type WorldInput } from '../adapters/telephony/simulator/world.js';

export interface RunNodeOptions {
  /** What the caller does, in order (see CallerAction). When it runs out and the node waits, the caller hangs up. */
  caller?: CallerAction[];
  /** How destinations, queues, payments and web services answer. */
  world?: WorldInput;
  vars?: Record<string, VarValue>;
  /** The call's language (default: the `language` var, else en-GB). */
  language?: string;
  /** The call's start time, ISO 8601 (default Wednesday 2026-01-07 10:00 London). */
  at?: string;
  from?: string;
  to?: string;
  /** Flows a subflow node can run, by id. */
  flows?: Flow[];
  /** Stored opening hours a schedule node can name. */
  schedules?: StoredSchedule[];
  prompts?: PromptLibrary;
  /** Secrets the node may reveal (default: stand-ins naming each secret). */
  secrets?: SecretSource;
  nodeId?: string;
}

export interface RunNodeResult {
  /** The node's outcome, or "callerHungUp" when the caller hung up while it ran. */
  outcome: string;
  set: Record<string, VarValue>;
  /** Texts the caller heard, in order. */
  heard: string[];
  /** What the node logged (already redacted). */
  events: CallEvent[];
  call: SimulatedCall;
  clock: SimulatedClock;
  http: SimulatedHttpClient;
}

export async function runNode(definition: AnyNodeDefinition, rawParams: unknown, options: RunNodeOptions = {}): Promise<RunNodeResult> {
  const parsedParams = definition.params.safeParse(rawParams ?? {});
  if (!parsedParams.success) {
    const problems = parsedParams.error.issues.map((i) => `${i.path.join('.') || '(params)'}: ${i.message}`).join('; ');
    throw new Error(`runNode: params for ${definition.kind}@${definition.version} are not valid: ${problems}`);
  }
  const parsedWorld = worldSchema.safeParse(options.world ?? {});
  if (!parsedWorld.success) {
    throw new Error(`runNode: world is not valid: ${parsedWorld.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const startAt = options.at === undefined ? DEFAULT_CALL_TIME : Date.parse(options.at);
  if (Number.isNaN(startAt)) throw new Error(`runNode: at "${options.at}" is not an ISO 8601 time`);

  const clock = new SimulatedClock(startAt);
  const standIns = { ...simulatedStandIns(parsedWorld.data, clock), ...(options.secrets ? { secrets: options.secrets } : {}) };
  const ports = simulatedCallPorts({ world: parsedWorld.data, clock, standIns, drafts: options.flows ?? [], ...(options.prompts ? { prompts: options.prompts } : {}), ...(options.schedules ? { schedules: options.schedules } : {}) });
  const call = new SimulatedCall({
    callId: 'node-test-call',
    from: options.from ?? '+447700900123',
    to: options.to ?? '+441234500000',
    clock,
    input: options.caller ?? [],
    world: parsedWorld.data,
    farEnds: farEndsOf(standIns.payments),
  });
  const sink = new MemoryEventSink();
  const log = new CallEventLog(call.callId, clock, sink);
  const abort = new AbortController();
  const stopOnHangup = call.onHangup(() => abort.abort(new DOMException('the caller hung up', 'AbortError')));
  const vars = { ...(options.language ? { language: options.language } : {}), ...options.vars };
  const defaultLanguage = options.language ?? 'en-GB';
  const context = createNodeContext({
    definition,
    nodeId: options.nodeId ?? definition.kind,
    params: parsedParams.data,
    vars,
    defaultLanguage,
    call,
    ports,
    log,
    runSubflow: (flowId, signal) => runSubflowOnCall({ flowId, call, ports, log, vars, signal }),
    signal: abort.signal,
  });
  let outcome: string;
  let set: Record<string, VarValue> = {};
  try {
    const result = await definition.run(context);
    outcome = result.outcome;
    set = result.set ?? {};
  } catch (error) {
    if (!(call.endedBy === 'caller' && isAbort(error))) throw error;
    outcome = 'callerHungUp';
  } finally {
    stopOnHangup();
    await ports.release();
  }
  return { outcome, set, heard: call.heard.map((s) => s.text), events: sink.events, call, clock, http: standIns.http };
}

/** Simulated time for a node test (idle-driven: a sleep costs no real time). */
export const simulatedTime = (at = DEFAULT_CALL_TIME): Clock => new SimulatedClock(at);

/**
 * Run one node kind on a call channel the test provides (e.g. one whose caller speaks live audio),
 * with a recogniser of its own; the other ports are simulated. For tests of what a node does with
 * results the simulated call cannot give.
 */
export async function runNodeOnChannel(
  definition: AnyNodeDefinition,
  rawParams: unknown,
  options: { call: CallChannel; speech: Recognizer; clock?: Clock; vars?: Record<string, VarValue>; languages?: string[] },
): Promise<{ outcome: string; set: Record<string, VarValue>; events: CallEvent[] }> {
  const clock = options.clock ?? new SimulatedClock(DEFAULT_CALL_TIME);
  const world = worldSchema.parse({});
  const ports = { ...simulatedCallPorts({ world, clock, standIns: simulatedStandIns(world, clock), drafts: [] }), speech: options.speech };
  const sink = new MemoryEventSink();
  const languages = options.languages ?? ['en-GB'];
  const context = createNodeContext({
    definition,
    nodeId: definition.kind,
    params: definition.params.parse(rawParams ?? {}),
    vars: options.vars ?? {},
    defaultLanguage: languages[0]!,
    languages,
    call: options.call,
    ports,
    log: new CallEventLog(options.call.callId, clock, sink),
    runSubflow: () => Promise.reject(new Error('runNodeOnChannel: no subflows')),
    signal: new AbortController().signal,
  });
  const result = await definition.run(context);
  return { outcome: result.outcome, set: result.set ?? {}, events: sink.events };
}
