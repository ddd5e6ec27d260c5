import type { Diagnostic } from '../../../engine/src/core/flow/diagnostics.js';
import type { Flow } from '../../../engine/src/core/flow/schema.js';
import { checkFlow } from '../../../engine/src/core/flow/check-flow.js';

/** The engine's own checks, exactly as the CLI and the API run them: every problem in one pass. */
export function diagnose(flow: Flow, knownFlowIds?: string[]): Diagnostic[] {
  return checkFlow(flow, knownFlowIds ? { flows: knownFlowIds } : {}).diagnostics;
}
