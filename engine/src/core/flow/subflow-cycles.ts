import { nodeDefinition } from '../catalogue.js';
import type { Diagnostic } from './diagnostics.js';
import { nodeTitle } from './names.js';
import type { Flow } from './schema.js';

/** The subflow nodes of a flow, with the flow each one runs (nodes whose params do not parse are left out). */
export function subflowCalls(flow: Flow): Array<{ nodeId: string; flowId: string }> {
  const calls: Array<{ nodeId: string; flowId: string }> = [];
  for (const node of flow.nodes) {
    const definition = nodeDefinition(node.kind, node.version);
    const subflows = definition?.traits.subflows;
    if (!subflows) continue;
    const parsed = definition.params.safeParse(node.params);
    if (parsed.success) for (const flowId of subflows(parsed.data)) calls.push({ nodeId: node.id, flowId });
  }
  return calls;
}

/**
 * Subflow chains that come back to `flow` through the published versions of other flows (A runs B,
 * B runs A): each would recurse until the caller gave up. One error per subflow node that starts such a
 * chain, naming the chain. A node running `flow` itself is validateFlow's `subflow-recursive`.
 */
export function subflowCycleDiagnostics(flow: Flow, published: Iterable<Flow>): Diagnostic[] {
  const others = new Map<string, string[]>();
  const names = new Map<string, string>([[flow.id, flow.name]]);
  for (const other of published) {
    if (other.id === flow.id) continue;
    others.set(other.id, [...new Set(subflowCalls(other).map((c) => c.flowId))]);
    names.set(other.id, other.name);
  }
  /** The shortest chain of flow ids from `start` back to this flow, if there is one (breadth first). */
  const chainBack = (start: string): string[] | undefined => {
    const cameFrom = new Map<string, string | undefined>([[start, undefined]]);
    const queue = [start];
    while (queue.length > 0) {
      const here = queue.shift()!;
      for (const next of others.get(here) ?? []) {
        if (next === flow.id) {
          const chain = [here];
          for (let at = cameFrom.get(here); at !== undefined; at = cameFrom.get(at)) chain.unshift(at);
          return chain;
        }
        if (!cameFrom.has(next)) {
          cameFrom.set(next, here);
          queue.push(next);
        }
      }
    }
    return undefined;
  };
  const diagnostics: Diagnostic[] = [];
  for (const { nodeId, flowId } of subflowCalls(flow)) {
    if (flowId === flow.id) continue;
    const chain = chainBack(flowId);
    if (!chain) continue;
    diagnostics.push({
      severity: 'error',
      code: 'subflow-cycle',
      message: `${nodeTitle(flow.nodes.find((n) => n.id === nodeId) ?? { id: nodeId, kind: 'subflow', version: 1 })} runs ${[...chain, flow.id].map((id) => `"${names.get(id) ?? id}"`).join(', which runs ')} — this flow again: callers would go round these flows until they hang up`,
      nodeId,
      field: 'flowId',
    });
  }
  return diagnostics;
}
