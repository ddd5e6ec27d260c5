/**
 * Flow → XState v5 machine config, as plain data: no functions, so it survives JSON.stringify, can be
 * snapshot-tested and shown in tools. createFlowMachine binds it to behaviour.
 *
 * Every node is one state that invokes the actor for its kind (`menu@1`) with `{ nodeId }` as input.
 * When the node finishes, guards written as data (`{ type: 'outcome', params: { outcome: '1' } }`)
 * pick the edge for its outcome. Reserved states start with `$` (never part of a node id):
 *   $fallback      the flow-wide fallback: apologise, then transfer / queue / hang up (flow.fallback)
 *   $ended         final: the call is over (a hangup node, a transfer, an answered queue, the fallback)
 *   $callerHungUp  final: the caller put the phone down (event `caller.hangup`, from any state)
 * A node that finishes after the call has ended (hangup, transfer) ends the call. An outcome with no
 * edge ends the call when the caller was served (answered, transferred, voicemail), else goes to the
 * fallback. A node that throws goes along its `error` edge, else to the fallback.
 */
import type { Flow, FlowNode } from '../flow/schema.js';

export const FALLBACK_STATE = '$fallback';
export const ENDED_STATE = '$ended';
export const CALLER_HUNG_UP_STATE = '$callerHungUp';
export const CALLER_HANGUP_EVENT = 'caller.hangup';
/** The actor that runs the flow-wide fallback. */
export const FALLBACK_ACTOR = 'fallback';
/** Outcomes after which the caller has been served: unwired, they end the call instead of apologising. */
export const SERVED_OUTCOMES: readonly string[] = ['answered', 'transferred', 'voicemail', 'callback'];

/** An action or guard written as data. */
export interface DataRef {
  type: string;
  params?: Record<string, string | readonly string[]>;
}

export interface TransitionConfig {
  target: string;
  guard?: DataRef;
  actions?: DataRef[];
}

export interface StateConfig {
  type?: 'final';
  entry?: DataRef[];
  invoke?: {
    id: string;
    src: string;
    input: { nodeId: string };
    onDone: TransitionConfig[];
    onError: TransitionConfig[];
  };
}

export interface FlowMachineConfig {
  id: string;
  initial: string;
  states: Record<string, StateConfig>;
  on: Record<string, TransitionConfig>;
}

/** The actor source for a node: its kind at its version. */
export const actorSource = (node: Pick<FlowNode, 'kind' | 'version'>): string => `${node.kind}@${node.version}`;

/** A node id as a state key: XState reads "." in a key as a path, so dots become "․" (one dot leader). */
export const stateKey = (nodeId: string): string => nodeId.replaceAll('.', '\u2024');

const ending = (nodeId: string): TransitionConfig => ({
  target: ENDED_STATE,
  actions: [{ type: 'applyResult' }, { type: 'endCall', params: { nodeId } }],
});

function nodeState(flow: Flow, node: FlowNode): StateConfig {
  const edges = flow.edges.filter((e) => e.from === node.id);
  const onDone: TransitionConfig[] = [
    { ...ending(node.id), guard: { type: 'callEnded' } },
    ...edges.map((edge) => ({
      target: stateKey(edge.to),
      guard: { type: 'outcome', params: { outcome: edge.outcome } },
      actions: [{ type: 'applyResult' }],
    })),
    { ...ending(node.id), guard: { type: 'outcomeIn', params: { outcomes: SERVED_OUTCOMES } } },
    { target: FALLBACK_STATE, actions: [{ type: 'applyResult' }, { type: 'logUnwired', params: { nodeId: node.id } }] },
  ];
  const errorEdge = edges.find((e) => e.outcome === 'error');
  const onError: TransitionConfig[] = [
    { target: errorEdge ? stateKey(errorEdge.to) : FALLBACK_STATE, actions: [{ type: 'logFault', params: { nodeId: node.id } }] },
  ];
  return { invoke: { id: stateKey(node.id), src: actorSource(node), input: { nodeId: node.id }, onDone, onError } };
}

export function compileFlow(flow: Flow): FlowMachineConfig {
  const states: Record<string, StateConfig> = {};
  for (const node of flow.nodes) states[stateKey(node.id)] = nodeState(flow, node);
  states[FALLBACK_STATE] = {
    invoke: {
      id: FALLBACK_STATE,
      src: FALLBACK_ACTOR,
      input: { nodeId: FALLBACK_STATE },
      onDone: [{ target: ENDED_STATE, actions: [{ type: 'endCall', params: { nodeId: FALLBACK_STATE } }] }],
      onError: [
        {
          target: ENDED_STATE,
          actions: [{ type: 'logFault', params: { nodeId: FALLBACK_STATE } }, { type: 'endCall', params: { nodeId: FALLBACK_STATE } }],
        },
      ],
    },
  };
  states[ENDED_STATE] = { type: 'final' };
  states[CALLER_HUNG_UP_STATE] = { type: 'final', entry: [{ type: 'callerHungUp' }] };
  return {
    id: flow.id,
    initial: stateKey(flow.entry),
    states,
    on: { [CALLER_HANGUP_EVENT]: { target: `.${CALLER_HUNG_UP_STATE}` } },
  };
}
