import type { Diagnostic } from './diagnostics.js';
import { parseFlow } from './parse-flow.js';
import type { Flow } from './schema.js';
import { validateFlow, type ValidateOptions } from './validate-flow.js';

/**
 * Every check a flow gets, in one pass, exactly as the designer, the API and `frontdoor validate` report
 * it: its shape and every node's params (parseFlow), then the graph (validateFlow) — always, even when the
 * first found problems, so a bad node never hides a dangling edge elsewhere. `flow` is the flow as read
 * (see parseFlow); never run it while the diagnostics have errors.
 */
export function checkFlow(json: unknown, options: ValidateOptions = {}): { flow?: Flow; diagnostics: Diagnostic[] } {
  const parsed = parseFlow(json);
  if (!parsed.flow) return parsed;
  const graph = validateFlow(parsed.flow, {
    ...options,
    ...(parsed.unreadableEdges ? { unreadableEdges: parsed.unreadableEdges } : {}),
    // With two nodes of one id, which of them was read is unclear: then every node is parsed again.
    ...(parsed.paramsRead && new Set(parsed.flow.nodes.map((n) => n.id)).size === parsed.flow.nodes.length ? { paramsRead: parsed.paramsRead } : {}),
  });
  return { flow: parsed.flow, diagnostics: [...parsed.diagnostics, ...graph] };
}
