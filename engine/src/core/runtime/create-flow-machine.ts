/**
 * A compiled flow bound to behaviour: XState v5 `setup` with one named promise actor per node kind
 * (`nodeStep`: fromPromise whose signal also aborts when the step ends by itself)
 * (ports bound here, once per flow version), guards and actions referenced as data by compileFlow.
 * Everything about one call (its channel, event log, variables) travels in the actor's input and
 * context, so one machine serves every call on that flow version.
 */
import { assign, setup, type AnyStateMachine, type DoneActorEvent, type ErrorActorEvent, type PromiseActorLogic } from 'xstate';
import type { CallChannel, VarValue } from '../../ports/index.js';
import { latestDefinitions, nodeDefinition } from '../catalogue.js';
import { parseDestination } from '../destination.js';
import { EngineError, describeFault } from '../engine-error.js';
import { nodeName } from '../flow/names.js';
import type { Flow } from '../flow/schema.js';
import type { AnyNodeDefinition, NodeResult } from '../nodes/define-node.js';
import { spokenText } from '../nodes/prompt.js';
import type { CallEventLog } from './event-log.js';
import { callLanguage, createNodeContext, type SubflowRunner } from './node-context.js';
import type { FlowPorts } from '../../ports/flow-ports.js';
import { resolvePrompt } from './resolve-prompt.js';
import {
  CALLER_HANGUP_EVENT,
  FALLBACK_ACTOR,
  FALLBACK_STATE,
  actorSource,
  compileFlow,
  type StateConfig,
} from '../compile/compile-flow.js';

/** How long the fallback's transfer to a person rings. */
export const FALLBACK_RING_TIMEOUT_MS = 30_000;

/** A subflow to run on a call, with the call's variables as they are when the subflow node starts. */
export interface SubflowRequest {
  flowId: string;
  call: CallChannel;
  ports: FlowPorts;
  log: CallEventLog;
  vars: Readonly<Record<string, VarValue>>;
  signal: AbortSignal;
  /** The parent's prefix for node ids in the event log. */
  nodePrefix?: string;
  /** How many subflows deep the parent runs (0: the call's own flow). */
  depth?: number;
}

/** What one call brings to the flow machine. */
export interface CallMachineInput {
  call: CallChannel;
  log: CallEventLog;
  vars: Record<string, VarValue>;
  /** Runs another flow on this call (the same function for every call: no per-call closure). */
  runSubflow: (request: SubflowRequest) => ReturnType<SubflowRunner>;
  /** Put before node ids in the event log (a subflow's nodes are logged as `<flowId>/<nodeId>`). */
  nodePrefix: string;
  /** How many subflows deep this run is (0: the call's own flow). */
  depth: number;
}

export interface CallMachineContext extends CallMachineInput {
  /** The node running now (mutable holder, so a hang-up can tell where the caller was). */
  position: { nodeId: string | undefined };
  outcome: string | undefined;
  endedAt: string | undefined;
}

export interface FlowRunOutput {
  outcome: string;
  /** The node the call ended at (`$fallback` when the fallback ended it). */
  endedAt: string | undefined;
  vars: Record<string, VarValue>;
}

interface StepInput {
  nodeId: string;
  context: CallMachineContext;
  /** This step's own abort: the node's `signal`. */
  step: AbortController;
}

type FlowEvent = { type: typeof CALLER_HANGUP_EVENT } | DoneActorEvent<NodeResult> | ErrorActorEvent;

/** XState's event that stops an actor (XState does not export its name). */
const XSTATE_STOP = 'xstate.stop';
const NODE_DONE = 'frontdoor.node.done';
const NODE_FAILED = 'frontdoor.node.failed';

/** Why a step's signal aborts: the caller left the node (hung up, or a subflow's parent moved on)… */
const LEFT_NODE = new DOMException('the call left this node', 'AbortError');
/** …or the node ended by itself, so whatever it left running (hold music, a timer) stops with it. */
const STEP_OVER = new DOMException('this node step is over', 'AbortError');

/**
 * A node's actor logic: XState's `fromPromise`, with one AbortController per step. A step's signal
 * aborts when the step is stopped (the caller hung up, a subflow's parent node was left) AND when the
 * step ends by itself (an agent became ready, a timeout, a key during a wait): work a node started
 * and did not wait for never outlives its step, and nothing ends the call but the flow. The abort
 * reasons are shared, so a step costs one controller and no exception object.
 */
export function nodeStep(run: (input: StepInput, signal: AbortSignal) => Promise<NodeResult>): PromiseActorLogic<NodeResult, StepInput> {
  return {
    config: run,
    transition: (snapshot, event) => {
      if (snapshot.status !== 'active') return snapshot;
      switch (event.type) {
        case NODE_DONE:
          snapshot.input?.step.abort(STEP_OVER);
          return { status: 'done', output: event.output as NodeResult, error: undefined, input: undefined };
        case NODE_FAILED:
          snapshot.input?.step.abort(STEP_OVER);
          return { status: 'error', output: undefined, error: event.error, input: undefined };
        case XSTATE_STOP:
          snapshot.input?.step.abort(LEFT_NODE);
          return { status: 'stopped', output: undefined, error: undefined, input: undefined };
        default:
          return snapshot;
      }
    },
    start: (snapshot, { self }) => {
      if (snapshot.status !== 'active') return;
      const input = snapshot.input!;
      run(input, input.step.signal).then(
        (output) => {
          if (self.getSnapshot().status === 'active') self.send({ type: NODE_DONE, output });
        },
        (error: unknown) => {
          if (self.getSnapshot().status === 'active') self.send({ type: NODE_FAILED, error });
        },
      );
    },
    getInitialSnapshot: (_, input) => ({ status: 'active', output: undefined, error: undefined, input }),
    getPersistedSnapshot: (snapshot) => snapshot,
    restoreSnapshot: (snapshot) => snapshot as ReturnType<PromiseActorLogic<NodeResult, StepInput>['getInitialSnapshot']>,
  };
}

const resultOf = (event: FlowEvent): NodeResult | undefined => ('output' in event ? (event.output as NodeResult | undefined) : undefined);

interface BoundNode {
  definition: AnyNodeDefinition;
  params: unknown;
  /** The node's name and exit labels, logged with its events so transcripts and records read in names. */
  name: string;
  exitLabels: ReadonlyMap<string, string>;
}

/** Each node's definition and parsed params. Throws when the flow was not validated (unknown kind, bad params). */
function bindNodes(flow: Flow): Map<string, BoundNode> {
  const nodes = new Map<string, BoundNode>();
  for (const node of flow.nodes) {
    const definition = nodeDefinition(node.kind, node.version);
    if (!definition) throw new Error(`flow ${flow.id}: node ${node.id} has unknown kind ${actorSource(node)}`);
    const params = definition.params.safeParse(node.params);
    if (!params.success) {
      const problem = params.error.issues[0];
      throw new Error(`flow ${flow.id}: node ${node.id}: ${problem?.path.join('.') || 'params'}: ${problem?.message ?? 'invalid'}`);
    }
    const exitLabels = new Map(definition.outcomes(params.data).map((o) => [o.name, o.label ?? o.name]));
    nodes.set(node.id, { definition, params: params.data, name: nodeName(node), exitLabels });
  }
  return nodes;
}

/** What nodes whose kind declares no subflows (`traits.subflows`) get: one shared function, not a closure per step. */
const runsNoSubflow: SubflowRunner = (flowId) =>
  Promise.reject(new EngineError('subflow-undeclared', `this kind of node declares no subflows, so it cannot run flow "${flowId}"`));

/** The node's subflow runner: this call, its log and its variables as they are when the node starts. */
function subflowWithVars(context: CallMachineContext, ports: FlowPorts): SubflowRunner {
  return (flowId, signal) =>
    context.runSubflow({
      flowId,
      signal,
      call: context.call,
      ports,
      log: context.log,
      vars: context.vars,
      nodePrefix: context.nodePrefix,
      depth: context.depth,
    });
}

export function createFlowMachine(flow: Flow, ports: FlowPorts): AnyStateMachine {
  const nodes = bindNodes(flow);
  const defaultLanguage = flow.languages[0] ?? 'en-GB';

  // No async/await here: a call waiting in a node should not also hold a suspended frame for it.
  const step = (definition: AnyNodeDefinition) =>
    nodeStep((input, signal) => {
      const { context } = input;
      const bound = nodes.get(input.nodeId)!;
      const loggedId = context.nodePrefix + input.nodeId;
      context.position.nodeId = input.nodeId;
      context.log.append('node.entered', loggedId, { kind: definition.kind, name: bound.name });
      const running = definition.run(
        createNodeContext({
          definition,
          nodeId: loggedId,
          params: bound.params,
          vars: context.vars,
          defaultLanguage,
          languages: flow.languages,
          call: context.call,
          ports,
          log: context.log,
          runSubflow: definition.traits.subflows ? subflowWithVars(context, ports) : runsNoSubflow,
          signal,
        }),
      );
      return running.then((result) => {
        context.log.append('node.outcome', loggedId, { outcome: result.outcome, label: bound.exitLabels.get(result.outcome) ?? result.outcome });
        if (result.set) for (const [name, value] of Object.entries(result.set)) context.log.append('var.set', loggedId, { name, value });
        return result;
      });
    });

  /** Apologise, then offer a person or end politely, as flow.fallback says. Never a dead end. */
  const fallback = nodeStep(async (input, signal) => {
    const { context } = input;
    const { call, log, vars } = context;
    const loggedId = context.nodePrefix + FALLBACK_STATE;
    log.append('node.entered', loggedId, { kind: FALLBACK_ACTOR, name: 'Apology (something went wrong)' });
    if (call.hungUp) return { outcome: 'failed' };
    const language = callLanguage(vars, defaultLanguage);
    const apology = resolvePrompt({ text: flow.fallback.apology }, { language, defaultLanguage, vars, library: ports.prompts });
    await call.play(apology, { bargeIn: false, signal });
    log.append('prompt.played', loggedId, { text: spokenText(apology) });
    const then = flow.fallback.then;
    let outcome = 'failed';
    if (then.action === 'transfer') {
      const destination = parseDestination(then.destination);
      if (!destination.ok) throw new EngineError('fallback-destination-invalid', destination.message, loggedId);
      const transferred = await call.transfer(destination.destination, { ringTimeoutMs: FALLBACK_RING_TIMEOUT_MS, signal });
      if (transferred.kind === 'transferred') outcome = 'transferred';
    } else if (then.action === 'queue') {
      const queue = latestDefinitions().find((d) => d.kind === 'queue');
      if (!queue) throw new EngineError('fallback-queue-unavailable', 'no queue node kind is registered', loggedId);
      const result = await queue.run(
        createNodeContext({
          definition: queue,
          nodeId: loggedId,
          params: queue.params.parse({ queueId: then.queueId }),
          vars,
          defaultLanguage,
          languages: flow.languages,
          call,
          ports,
          log,
          runSubflow: subflowWithVars(context, ports),
          signal,
        }),
      );
      if (result.outcome === 'answered') outcome = 'answered';
    }
    log.append('node.outcome', loggedId, { outcome });
    if (!call.hungUp) await call.hangup(outcome);
    return { outcome };
  });

  const exitLabelOf = (nodeId: string, outcome: string) => nodes.get(nodeId)?.exitLabels.get(outcome) ?? outcome;
  const actors: Record<string, ReturnType<typeof step>> = { [FALLBACK_ACTOR]: fallback };
  for (const { definition } of nodes.values()) actors[actorSource(definition)] ??= step(definition);

  const config = compileFlow(flow);
  const withInputMappers = (state: StateConfig) => {
    if (!state.invoke) return state;
    const { nodeId } = state.invoke.input;
    return { ...state, invoke: { ...state.invoke, input: ({ context }: { context: CallMachineContext }): StepInput => ({ nodeId, context, step: new AbortController() }) } };
  };
  const states = Object.fromEntries(Object.entries(config.states).map(([key, state]) => [key, withInputMappers(state)]));

  const machine = setup({
    types: {
      context: {} as CallMachineContext,
      input: {} as CallMachineInput,
      events: {} as FlowEvent,
      output: {} as FlowRunOutput,
    },
    actors,
    guards: {
      outcome: ({ event }, params: { outcome: string }) => resultOf(event)?.outcome === params.outcome,
      outcomeIn: ({ event }, params: { outcomes: readonly string[] }) => params.outcomes.includes(resultOf(event)?.outcome ?? ''),
      callEnded: ({ context }) => context.call.hungUp,
    },
    actions: {
      applyResult: assign({
        vars: ({ context, event }) => {
          const set = resultOf(event)?.set;
          return set && Object.keys(set).length > 0 ? { ...context.vars, ...set } : context.vars;
        },
      }),
      endCall: assign(({ event }, params: { nodeId: string }) => {
        const result = resultOf(event);
        const named = result?.set?.outcome;
        return { outcome: typeof named === 'string' && named !== '' ? named : (result?.outcome ?? 'failed'), endedAt: params.nodeId };
      }),
      callerHungUp: assign(({ context }) => ({ outcome: 'callerHungUp', endedAt: context.position.nodeId })),
      logUnwired: ({ context, event }, params: { nodeId: string }) =>
        context.log.append('error', context.nodePrefix + params.nodeId, {
          code: 'outcome-unwired',
          message: `the "${exitLabelOf(params.nodeId, resultOf(event)?.outcome ?? '')}" exit is not connected: the flow's apology takes the call`,
        }),
      logFault: ({ context, event }, params: { nodeId: string }) =>
        context.log.append('error', context.nodePrefix + params.nodeId, describeFault('error' in event ? event.error : undefined)),
    },
  }).createMachine({
    id: config.id,
    initial: config.initial,
    context: ({ input }) => ({ ...input, position: { nodeId: undefined }, outcome: undefined, endedAt: undefined }),
    // The compiled config is plain data checked by its own types; XState cannot type string-built state maps.
    states: states as never,
    on: config.on as never,
    output: ({ context }) => ({ outcome: context.outcome ?? 'failed', endedAt: context.endedAt, vars: context.vars }),
  });
  return machine as unknown as AnyStateMachine;
}
