/** Running small flows on the simulator in the runtime's own tests (test support, not shipped behaviour). */
import { parseFlow } from '../flow/parse-flow.js';
import type { Flow, FlowInput } from '../flow/schema.js';

/** A flow from its written form, with defaults applied; throws with the diagnostics when it does not parse. */
export function flowOf(input: FlowInput): Flow {
  const parsed = parseFlow(input);
  if (!parsed.flow || parsed.diagnostics.some((d) => d.severity === 'error')) {
    throw new Error(`test flow ${input.id} does not parse: ${parsed.diagnostics.map((d) => d.message).join('; ')}`);
  }
  return parsed.flow;
}

export const say = (text: string, welsh?: string) => ({ text: { 'en-GB': text, ...(welsh ? { 'cy-GB': welsh } : {}) } });
