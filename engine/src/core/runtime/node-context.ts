import type { CallChannel, VarValue } from '../../ports/index.js';
import type { AnyNodeDefinition, NodeContext } from '../nodes/define-node.js';
import type { CallEventLog } from './event-log.js';
import { redactNote } from './event-log.js';
import type { FlowPorts } from '../../ports/flow-ports.js';
import { resolvePrompt, type PromptSettings } from './resolve-prompt.js';

export type SubflowRunner = (flowId: string, signal: AbortSignal) => Promise<{ outcome: string; set: Record<string, VarValue> }>;

export interface NodeContextInput {
  definition: AnyNodeDefinition;
  nodeId: string;
  /** Params already parsed with the definition's schema. */
  params: unknown;
  vars: Readonly<Record<string, VarValue>>;
  defaultLanguage: string;
  /** The flow's languages (default: just defaultLanguage). */
  languages?: readonly string[];
  call: CallChannel;
  ports: FlowPorts;
  log: CallEventLog;
  runSubflow: SubflowRunner;
  signal: AbortSignal;
}

/** The language prompts play in: the `language` variable (set by the language node), else the flow's first. */
export const callLanguage = (vars: Readonly<Record<string, VarValue>>, defaultLanguage: string): string =>
  typeof vars.language === 'string' && vars.language !== '' ? vars.language : defaultLanguage;

/** Everything a node's run() gets, built the same way for real calls, test calls and node unit tests. */
export function createNodeContext(input: NodeContextInput): NodeContext<unknown> {
  const { definition, nodeId, vars, defaultLanguage, ports, log } = input;
  const language = callLanguage(vars, defaultLanguage);
  return {
    nodeId,
    params: input.params,
    vars,
    language,
    languages: input.languages ?? [defaultLanguage],
    call: input.call,
    speech: ports.speech,
    payments: ports.payments,
    queue: ports.queue,
    http: ports.http,
    clock: ports.clock,
    flows: ports.flows,
    schedules: ports.schedules,
    secrets: ports.secrets,
    prompt: promptResolver({ language, defaultLanguage, vars, library: ports.prompts }),
    runSubflow: input.runSubflow,
    log: noteTaker(log, nodeId, definition.traits.sensitive === true),
    signal: input.signal,
  };
}

// Factories rather than inline arrows: a call holds its running node's context, and anonymous
// functions stay smaller than named ones under tsx (which keeps function names).
function promptResolver(settings: PromptSettings): NodeContext<unknown>['prompt'] {
  return (param) => resolvePrompt(param, settings);
}

function noteTaker(log: CallEventLog, nodeId: string, sensitive: boolean): NodeContext<unknown>['log'] {
  return (type, data) => log.append(type, nodeId, redactNote(type, data, sensitive));
}
