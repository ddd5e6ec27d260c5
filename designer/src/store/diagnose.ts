import type { Diagnostic } from '../../../engine/src/core/flow/diagnostics.js';
import type { Flow } from '../../../engine/src/core/flow/schema.js';
import { parseFlow } from '../../../engine/src/core/flow/parse-flow.js';
import { validateFlow } from '../../../engine/src/core/flow/validate-flow.js';

/** The engine's own checks, exactly as the CLI and the API run them: parse (schema + params), then validate. */
export function diagnose(flow: Flow, knownFlowIds?: string[]): Diagnostic[] {
  const parsed = parseFlow(flow);
  if (!parsed.flow) return parsed.diagnostics;
  return [...parsed.diagnostics, ...validateFlow(parsed.flow, knownFlowIds ? { flows: knownFlowIds } : {})];
}
