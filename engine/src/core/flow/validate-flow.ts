import { nodeDefinition } from '../catalogue.js';
import { parseDestination } from '../destination.js';
import { templateVariables } from '../template.js';
import type { AnyNodeDefinition, OutcomeSpec } from '../nodes/define-node.js';
import type { Diagnostic } from './diagnostics.js';
import { reachableFrom, stronglyConnected } from './graph.js';
import { exitLabel, languageList, languageName, nodeFieldTitle, nodeTitle } from './names.js';
import type { Flow, FlowEdge, FlowNode } from './schema.js';
import { subflowCycleDiagnostics } from './subflow-cycles.js';

export interface ValidateOptions {
  /** Ids of the flows that exist, when known: subflow nodes must name one of them. */
  flows?: Iterable<string>;
  /** Ids of the stored schedules, when known: opening-hours nodes must name one of them. */
  schedules?: Iterable<string>;
  /** Variables a call starts with (e.g. set by a parent flow), besides those the runtime sets. */
  variables?: Iterable<string>;
  /**
   * Edges parseFlow could not read (already reported): each is assumed to lead somewhere, as an edge to a
   * wrong id is — its node's exits are not reported unwired and no node counts as unreachable.
   */
  unreadableEdges?: ReadonlyArray<{ from?: string }>;
  /** Nodes whose params parseFlow already read (with defaults): their params are used as they are, not parsed again. */
  paramsRead?: ReadonlySet<string>;
  /** The published versions of other flows, when known: a subflow chain that comes back to this flow is an error. */
  published?: Iterable<Flow>;
  /** Names of the secrets that exist, when known: a {{secret:NAME}} naming none of them is an error. */
  secrets?: Iterable<string>;
}

/** Variables every call has without a node setting them. */
export const RUNTIME_VARIABLES: readonly string[] = ['language'];

/** A node whose kind and params could be read, with what the graph checks need. */
interface CheckedNode {
  node: FlowNode;
  definition: AnyNodeDefinition;
  params: unknown;
  outcomes: string[];
  /** The exits with their labels, for messages. */
  exits: OutcomeSpec[];
  optional: Set<string>;
}

/** Every node may have an edge for infrastructure faults; without one the flow's fallback handles them. */
export const FAULT_OUTCOME = 'error';

/** "A", "B" and "C". */
const andList = (items: readonly string[]): string => (items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`);

/**
 * The checks a flow must pass before it can be published, beyond its shape (parseFlow): every id
 * resolves, every exit is wired, no busy loops, prompts in every language, no dead ends, no
 * unreachable nodes. Nodes whose kind or params are bad (parseFlow's diagnostics) are skipped
 * rather than reported twice. Never throws.
 */
export function validateFlow(flow: Flow, options: ValidateOptions = {}): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const error = (d: Omit<Diagnostic, 'severity'>) => diagnostics.push({ severity: 'error', ...d });

  // Ids.
  const nodes = new Map<string, FlowNode>();
  for (const node of flow.nodes) {
    if (nodes.has(node.id)) error({ code: 'node-duplicate-id', message: `Two steps have the id "${node.id}": give one of them another id`, nodeId: node.id });
    else nodes.set(node.id, node);
  }
  /** A node as messages name it; an id that names no node, quoted. */
  const title = (id: string) => {
    const node = nodes.get(id);
    return node ? nodeTitle(node) : `"${id}"`;
  };
  const edgeIds = new Set<string>();
  for (const edge of flow.edges) {
    if (edgeIds.has(edge.id)) error({ code: 'edge-duplicate-id', message: `Two connections have the id "${edge.id}": give one of them another id`, edgeId: edge.id });
    edgeIds.add(edge.id);
  }
  if (!nodes.has(flow.entry)) {
    error({
      code: 'entry-missing',
      message:
        nodes.size === 0
          ? 'This flow is empty: drag a first step onto the canvas (calls start at the first one)'
          : `Calls start at a step that no longer exists ("${flow.entry}"): choose where calls start with "Start the call here"`,
      field: 'entry',
    });
  }

  // Nodes whose kind and params can be read.
  const checked = new Map<string, CheckedNode>();
  for (const node of nodes.values()) {
    const definition = nodeDefinition(node.kind, node.version);
    const parsed = options.paramsRead?.has(node.id) ? { success: true as const, data: node.params } : definition?.params.safeParse(node.params);
    if (!definition || !parsed?.success) continue;
    try {
      const exits = definition.outcomes(parsed.data);
      checked.set(node.id, {
        node,
        definition,
        params: parsed.data,
        outcomes: exits.map((o) => o.name),
        exits,
        optional: new Set(definition.traits.optionalOutcomes?.(parsed.data) ?? []),
      });
    } catch (thrown) {
      error({ code: 'node-unreadable', message: `${nodeTitle(node)} could not be read: ${(thrown as Error).message}`, nodeId: node.id });
    }
  }

  // Edges.
  const wired = new Map<string, FlowEdge>();
  const usable: FlowEdge[] = [];
  let danglingTargets = (options.unreadableEdges?.length ?? 0) > 0;
  /** Nodes with an exit already reported (unwired, or wired to a wrong id): dead-end checks treat them as escaping. */
  const unwired = new Set<string>();
  /** Nodes with an edge parseFlow could not read: which exit it followed is unknown, so none is reported unwired. */
  const unreadFrom = new Set(options.unreadableEdges?.flatMap((e) => (e.from === undefined ? [] : [e.from])) ?? []);
  for (const id of unreadFrom) unwired.add(id);
  /** An exit as its handle shows it. */
  const exit = (nodeId: string, outcome: string) => {
    const node = nodes.get(nodeId);
    return `"${node ? exitLabel(node, outcome, checked.get(nodeId)?.exits) : outcome}"`;
  };
  for (const edge of flow.edges) {
    let ok = true;
    for (const end of ['from', 'to'] as const) {
      if (!nodes.has(edge[end])) {
        ok = false;
        error({
          code: 'edge-dangling',
          message:
            end === 'from'
              ? `A connection starts at a step that does not exist ("${edge.from}") and goes to ${title(edge.to)}: delete it`
              : `${title(edge.from)}: the ${exit(edge.from, edge.outcome)} exit is connected to a step that does not exist ("${edge.to}"): connect it again`,
          edgeId: edge.id,
          field: end,
        });
      }
    }
    const source = checked.get(edge.from);
    if (source && edge.outcome !== FAULT_OUTCOME && !source.outcomes.includes(edge.outcome)) {
      ok = false;
      error({
        code: 'edge-outcome-unknown',
        message: `${title(edge.from)} has no exit "${edge.outcome}" any more (it has ${andList(source.exits.map((o) => `"${o.label ?? o.name}"`)) || 'none'}): connect one of its exits instead`,
        edgeId: edge.id,
        nodeId: edge.from,
        field: 'outcome',
        outcome: edge.outcome,
      });
    }
    const key = `${edge.from}\u0000${edge.outcome}`;
    const first = wired.get(key);
    if (!nodes.has(edge.to)) {
      // The exit is wired, only to a wrong id: that is the one problem to report.
      danglingTargets = true;
      unwired.add(edge.from);
      if (!first) wired.set(key, edge);
    } else if (first) {
      ok = false;
      error({
        code: 'edge-outcome-duplicate',
        message: `${title(edge.from)}: the ${exit(edge.from, edge.outcome)} exit is connected twice (to ${title(first.to)} and to ${title(edge.to)}): remove one`,
        edgeId: edge.id,
        nodeId: edge.from,
        outcome: edge.outcome,
      });
    } else if (ok) {
      wired.set(key, edge);
    }
    if (ok) usable.push(edge);
  }

  // Per node: exits wired, prompts in every language and their variables set somewhere, languages
  // offered, subflows known.
  const knownFlows = options.flows ? new Set(options.flows) : undefined;
  const knownSchedules = options.schedules ? new Set(options.schedules) : undefined;
  const knownSecrets = options.secrets ? new Set(options.secrets) : undefined;
  const setSomewhere = new Set([...RUNTIME_VARIABLES, ...options.variables ?? []]);
  for (const { definition, params } of checked.values()) for (const name of definition.traits.sets?.(params) ?? []) setSomewhere.add(name);
  for (const { node, definition, params, outcomes, optional } of checked.values()) {
    const reported = unreadFrom.has(node.id);
    for (const outcome of outcomes) {
      if (reported || wired.has(`${node.id}\u0000${outcome}`) || optional.has(outcome)) continue;
      unwired.add(node.id);
      error({
        code: 'outcome-unwired',
        message: `${nodeTitle(node)}: the ${exit(node.id, outcome)} exit leads nowhere: connect it to the next step`,
        nodeId: node.id,
        outcome,
      });
    }
    for (const { field, prompt, values = [], defaults } of definition.traits.prompts(params)) {
      if (!prompt) continue;
      // A standard text changed in one language but left as it was in another: the translation says something else.
      if (defaults && !prompt.promptId) {
        const written = (language: string) => (prompt.text[language] ?? '').trim();
        const changed = flow.languages.filter((l) => defaults[l] !== undefined && written(l) !== '' && written(l) !== defaults[l]!.trim());
        const leftBehind = flow.languages.filter((l) => defaults[l] !== undefined && written(l) === defaults[l]!.trim());
        for (const language of changed.length ? leftBehind : []) {
          diagnostics.push({
            severity: 'warning',
            code: 'prompt-translation-stale',
            message: `${nodeFieldTitle(node, field)}: the ${languageList(changed)} was changed, but the ${languageName(language)} is still the standard text (“${defaults[language]}”): translate the new words`,
            nodeId: node.id,
            field: `${field}.text.${language}`,
          });
        }
      }
      const unset = new Set(Object.values(prompt.text).flatMap(templateVariables).filter((name) => !setSomewhere.has(name) && !values.includes(name)));
      for (const name of unset) {
        diagnostics.push({
          severity: 'warning',
          code: 'variable-never-set',
          message: `${nodeFieldTitle(node, field)} says {{${name}}}, but no step in this flow sets "${name}" (it will be empty unless the call starts with it)`,
          nodeId: node.id,
          field,
        });
      }
      if (prompt.promptId) continue;
      for (const language of flow.languages) {
        if ((prompt.text[language] ?? '').trim() !== '') continue;
        error({
          code: 'prompt-missing-language',
          message: `${nodeFieldTitle(node, field)} has no ${languageName(language)} text${flow.languages.length > 1 ? ` (the flow is in ${languageList(flow.languages)})` : ''}`,
          nodeId: node.id,
          field: `${field}.text.${language}`,
        });
      }
    }
    for (const language of definition.traits.languages?.(params) ?? []) {
      if (flow.languages.includes(language)) continue;
      error({
        code: 'language-not-offered',
        message: `${nodeTitle(node)} switches to ${languageName(language)}, which the flow does not offer (add it to the flow's languages)`,
        nodeId: node.id,
      });
    }
    for (const scheduleId of definition.traits.schedules?.(params) ?? []) {
      if (knownSchedules && !knownSchedules.has(scheduleId)) {
        error({
          code: 'schedule-unknown',
          message: `${nodeTitle(node)} checks opening hours that do not exist ("${scheduleId}"): choose a schedule, or add it on the Schedules screen`,
          nodeId: node.id,
          field: 'scheduleId',
        });
      }
    }
    for (const check of definition.traits.checks?.(params) ?? []) {
      // The node's own words, said of the node by name ("Data dip "Bin day": the header … looks like …").
      diagnostics.push({ ...check, message: `${nodeTitle(node)}: ${check.message.charAt(0).toLowerCase()}${check.message.slice(1)}`, nodeId: node.id });
    }
    for (const { name, field } of definition.traits.secrets?.(params) ?? []) {
      if (!knownSecrets || knownSecrets.has(name)) continue;
      error({
        code: 'secret-unknown',
        message: `${nodeFieldTitle(node, field)} uses the secret "${name}", which does not exist: add it on the Secrets screen (ask an admin)`,
        nodeId: node.id,
        field,
      });
    }
    for (const flowId of definition.traits.subflows?.(params) ?? []) {
      if (flowId === flow.id) {
        error({ code: 'subflow-recursive', message: `${nodeTitle(node)} runs this same flow: choose another flow`, nodeId: node.id, field: 'flowId' });
      } else if (knownFlows && !knownFlows.has(flowId)) {
        error({ code: 'subflow-unknown', message: `${nodeTitle(node)} runs the flow "${flowId}", which does not exist`, nodeId: node.id, field: 'flowId' });
      }
    }
  }

  // The flow-wide fallback.
  const then = flow.fallback.then;
  if (then.action === 'transfer') {
    const parsed = parseDestination(then.destination);
    if (!parsed.ok) {
      error({ code: 'fallback-destination-invalid', message: `The fallback's transfer: ${parsed.message}`, field: 'fallback.then.destination' });
    }
  }
  for (const language of flow.languages) {
    if ((flow.fallback.apology[language] ?? '').trim() === '') {
      error({
        code: 'prompt-missing-language',
        message: `The apology said when something goes wrong has no ${languageName(language)} text${flow.languages.length > 1 ? ` (the flow is in ${languageList(flow.languages)})` : ''}`,
        field: `fallback.apology.${language}`,
      });
    }
  }

  if (options.published) diagnostics.push(...subflowCycleDiagnostics(flow, options.published));
  diagnostics.push(...graphDiagnostics(flow, nodes, checked, usable, unwired, danglingTargets));
  return diagnostics;
}

/** Unreachable nodes, loops that never wait for the caller, dead ends, menus with no way to a person. */
function graphDiagnostics(
  flow: Flow,
  nodes: ReadonlyMap<string, FlowNode>,
  checked: ReadonlyMap<string, CheckedNode>,
  edges: readonly FlowEdge[],
  unwired: ReadonlySet<string>,
  danglingTargets: boolean,
): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const ids = [...nodes.keys()];
  const title = (id: string) => nodeTitle(nodes.get(id)!);
  const titles = (group: readonly string[]) => andList(group.map(title));
  const successors = new Map<string, string[]>(ids.map((id) => [id, []]));
  const predecessors = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const edge of edges) {
    successors.get(edge.from)!.push(edge.to);
    predecessors.get(edge.to)!.push(edge.from);
  }
  const next = (id: string) => successors.get(id) ?? [];
  const within = (members: ReadonlySet<string>) => (id: string) => next(id).filter((n) => members.has(n));

  // Unreachable: one diagnostic per group of nodes that nothing reachable leads into. With no entry,
  // or an edge pointing at a wrong id (most likely meant for one of these nodes), that problem is
  // the one reported and every node counts as reachable.
  const reachable = nodes.has(flow.entry) && !danglingTargets ? reachableFrom([flow.entry], next) : new Set(ids);
  const unreachable = new Set(ids.filter((id) => !reachable.has(id)));
  const unreachableGroups = stronglyConnected([...unreachable], within(unreachable));
  const groupOf = new Map(unreachableGroups.flatMap((group, i) => group.map((id) => [id, i] as const)));
  for (const [i, group] of unreachableGroups.entries()) {
    const fedFromElsewhere = group.some((id) => predecessors.get(id)!.some((p) => unreachable.has(p) && groupOf.get(p) !== i));
    if (fedFromElsewhere) continue;
    const after = reachableFrom(group, within(unreachable)).size - group.length;
    diagnostics.push({
      severity: 'error',
      code: 'node-unreachable',
      message: `${title(group[0]!)} can never be reached from the start of the call${after ? ` (nor can the ${after} step${after > 1 ? 's' : ''} after it)` : ''}: connect it or delete it`,
      nodeId: group[0]!,
    });
  }

  // Loops in which nothing waits for the caller would spin for ever.
  const busy = new Set(ids.filter((id) => {
    const c = checked.get(id);
    return c !== undefined && !c.definition.traits.waitsForCaller(c.params);
  }));
  for (const loop of stronglyConnected([...busy], within(busy))) {
    if (loop.length === 1 && !next(loop[0]!).includes(loop[0]!)) continue;
    diagnostics.push({
      severity: 'error',
      code: 'loop-without-wait',
      message: `${titles(loop)} form a loop in which nothing waits for the caller: add a prompt or a question to the loop`,
      nodeId: loop[0]!,
    });
  }

  // A node that can end the call (a queue, a transfer) but whose every exit comes straight back to it:
  // when it ends without the caller (the queue is closed, the number fails) it runs again at once, for
  // ever, and the caller hears nothing. Other nodes looping on themselves are caught below or above.
  for (const id of ids) {
    const c = checked.get(id);
    const exits = next(id);
    if (!c?.definition.traits.ends || exits.length === 0 || exits.some((n) => n !== id)) continue;
    diagnostics.push({
      severity: 'error',
      code: 'node-loops-on-itself',
      message: `Every exit of ${title(id)} leads back to it: when it ends without reaching anyone it starts again at once, for ever, and the caller hears nothing. Send at least one exit on (an apology, another team, a goodbye)`,
      nodeId: id,
    });
  }

  // Dead ends: from every reachable node a person or a deliberate end must still be reachable.
  // Nodes already reported (unwired exits, unreadable params) count as escaping, so one fault is reported once.
  const escapes = ids.filter((id) => {
    const c = checked.get(id);
    return c === undefined || c.definition.traits.ends !== undefined || unwired.has(id);
  });
  const canEscape = reachableFrom(escapes, (id) => predecessors.get(id) ?? []);
  const trapped = new Set([...reachable].filter((id) => !canEscape.has(id)));
  const trapGroups = stronglyConnected([...trapped], within(trapped));
  const trapOf = new Map(trapGroups.flatMap((group, i) => group.map((id) => [id, i] as const)));
  for (const [i, group] of trapGroups.entries()) {
    if (group.some((id) => next(id).some((n) => trapOf.get(n) !== i))) continue;
    diagnostics.push({
      severity: 'error',
      code: 'no-way-out',
      message:
        group.length > 1
          ? `Callers who reach ${titles(group)} go round in circles: none of these steps leads to a person or an end of the call`
          : `Callers who reach ${title(group[0]!)} can never get to a person or an end of the call`,
      nodeId: group[0]!,
    });
  }

  // Every menu offers a way to a person (not through another menu).
  const isChoice = (id: string) => checked.get(id)?.definition.traits.offersChoice === true;
  // A node that could not be read (already reported) might be the way to a person: no warning on its account.
  const isPerson = (id: string) => {
    const c = checked.get(id);
    return c === undefined ? nodes.has(id) : c.definition.traits.ends === 'person';
  };
  for (const id of ids.filter(isChoice)) {
    const beyond = reachableFrom(next(id), (n) => (isChoice(n) || isPerson(n) ? [] : next(n)));
    if ([...beyond].some(isPerson)) continue;
    diagnostics.push({
      severity: 'warning',
      code: 'menu-no-person',
      message: `${title(id)} offers no way to a person (a queue or a transfer) without going through another menu: residents must always be able to reach someone`,
      nodeId: id,
    });
  }
  return diagnostics;
}
