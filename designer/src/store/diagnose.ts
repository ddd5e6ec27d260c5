import type { Diagnostic } from '../../../engine/src/core/flow/diagnostics.js';
import type { Flow } from '../../../engine/src/core/flow/schema.js';
import { checkFlow } from '../../../engine/src/core/flow/check-flow.js';

/** What the flow's nodes may name, when known: other flows (subflows) and stored schedules (opening hours). */
export interface KnownIds {
  flows?: string[];
  schedules?: string[];
}

/** The engine's own checks, exactly as the CLI and the API run them: every problem in one pass. */
export function diagnose(flow: Flow, known: KnownIds = {}): Diagnostic[] {
  return checkFlow(flow, { ...(known.flows ? { flows: known.flows } : {}), ...(known.schedules ? { schedules: known.schedules } : {}) }).diagnostics;
}
