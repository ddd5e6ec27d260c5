import type { z } from 'zod';
import type { CallChannel, PromptSegment, VarValue } from '../../ports/index.js';
import type { FlowPorts } from '../../ports/flow-ports.js';
import type { PromptParam } from './prompt.js';

/** A named exit of a node: a handle in the designer, an edge in the flow. */
export interface OutcomeSpec {
  name: string;
  /** Shown on the handle; defaults to the name. */
  label?: string;
  description?: string;
}

export type NodeCategory = 'Prompts' | 'Input' | 'Logic' | 'Data' | 'Routing' | 'Payments' | 'Call';

/** Plain data for the designer's palette and node view. */
export interface NodeUi {
  label: string;
  category: NodeCategory;
  /** An icon name from the designer's icon set. */
  icon: string;
  /** One or two sentences for a service designer. */
  help: string;
  /** Param keys shown on the node in the canvas. */
  summary: string[];
  /**
   * What a node dropped from the palette starts with, beyond its params' defaults (a menu's first option,
   * a speech node's first group), so a new node has exits and no error until the designer fills it in.
   */
  starter?: Record<string, unknown>;
}

/** An earlier version of a kind that saved flows may still name, and how its params become the next version's. */
export interface EarlierVersion {
  version: number;
  /** Params as written at `version` (before defaults) → params as the next version writes them. Must not throw. */
  upgrade(params: Record<string, unknown>): Record<string, unknown>;
}

/** What a node needs from the call and the world while it runs: the flow's ports (speech, payments, queue,
 * http, clock, flows) plus this call. Only port types. */
export interface NodeContext<P> extends Omit<FlowPorts, 'prompts'> {
  nodeId: string;
  params: P;
  /** The call's variables (read-only: return `set` to change them). */
  vars: Readonly<Record<string, VarValue>>;
  /** The language prompts are played in now (the `language` node changes it). */
  language: string;
  /** Every language the flow offers, its default first. */
  languages: readonly string[];
  call: CallChannel;
  /** Turn a prompt param into what the channel plays, in the current language, templated with vars. */
  prompt(param: PromptParam | undefined): PromptSegment[];
  /** Run another flow on this call; resolves with the outcome it ended on. */
  runSubflow(flowId: string, signal: AbortSignal): Promise<{ outcome: string; set: Record<string, VarValue> }>;
  /** Add a note to the call's event log (redacted on the way in: secret digits, card-like numbers). */
  log(type: NodeNoteType, data: Record<string, VarValue>): void;
  /** Aborted when the caller hangs up or the call otherwise leaves this node. */
  signal: AbortSignal;
}

/** The notes a node may add to the call's event log. */
export type NodeNoteType = 'prompt.played' | 'input.digits' | 'input.speech' | 'input.none' | 'payment.started' | 'payment.ended' | 'agent.connected';

export interface NodeResult {
  outcome: string;
  /** Variables to set. */
  set?: Record<string, VarValue>;
}

/** The behaviour of the node in a flow's graph, used by validateFlow. */
export interface NodeTraits<P> {
  /** True when running this node waits for the caller (so a loop through it is not a busy loop). */
  waitsForCaller(params: P): boolean;
  /** How the node can end a path: reaching a person, or a deliberate end of the call. */
  ends?: 'person' | 'deliberate';
  /** Outcomes that need no edge (e.g. a menu's `noMatch` after the last retry, handled by the fallback). */
  optionalOutcomes?(params: P): string[];
  /**
   * Every prompt the node plays, with the params path of each, so validation can check languages and
   * variables; `values` names the {{placeholders}} the node fills itself (e.g. the digits read back);
   * `defaults` is the standard text per language the param starts with (so a translation left behind is caught).
   */
  prompts(params: P): Array<{ field: string; prompt: PromptParam | undefined; values?: string[]; defaults?: Readonly<Record<string, string>> }>;
  /** Variables the node sets, for the designer's variable picker. */
  sets?(params: P): string[];
  /** Flow ids the node runs (subflow). */
  subflows?(params: P): string[];
  /** Stored schedule ids the node reads (opening hours). */
  schedules?(params: P): string[];
  /** True when digits entered in this node are secret (payments): they never reach the event log. */
  sensitive?: boolean;
  /** True for nodes that offer the caller a choice (menus): validation warns when none leads to a person. */
  offersChoice?: boolean;
  /** Languages the node can switch the call to (the `language` node), checked against the flow's languages. */
  languages?(params: P): string[];
  /** Secrets the node refers to by name ({{secret:NAME}}), with the params field each is in, checked against the secrets that exist. */
  secrets?(params: P): Array<{ name: string; field: string }>;
  /** Problems particular to this kind of node (e.g. a credential typed into a header), each on a params field. */
  checks?(params: P): Array<{ severity: 'error' | 'warning'; code: string; message: string; field?: string }>;
}

export interface NodeDefinition<S extends z.ZodType = z.ZodType> {
  kind: string;
  version: number;
  params: S;
  outcomes(params: z.output<S>): OutcomeSpec[];
  ui: NodeUi;
  traits: NodeTraits<z.output<S>>;
  run(context: NodeContext<z.output<S>>): Promise<NodeResult>;
  /**
   * Earlier versions, oldest first. Saved flows record the version they were drawn with; when a flow is
   * read, an earlier version's params are upgraded step by step to this version's, so old flows keep
   * running on the one current definition.
   */
  earlier?: readonly EarlierVersion[];
}

/** Define a node kind once: params, outcomes, designer metadata, graph traits and behaviour. */
export function defineNode<S extends z.ZodType>(definition: NodeDefinition<S>): NodeDefinition<S> {
  return definition;
}

/** A node definition with its param type erased, as the catalogue holds them. */
export type AnyNodeDefinition = NodeDefinition<z.ZodType>;
