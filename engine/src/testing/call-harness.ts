/**
 * Run a whole flow on a scripted simulated call, for the core's runtime tests — the flow-level twin of
 * node-harness.ts, and like it the one way core tests reach the simulator (core itself never does).
 */
import type { VarValue } from '../ports/index.js';
import type { Flow } from '../core/flow/schema.js';
import type { FlowPorts } from '../ports/flow-ports.js';
import type { CallerAction } from '../adapters/telephony/simulator/caller-action.js';
import { runScriptedCall } from '../adapters/telephony/simulator/scripted-call.js';
import { SimulatedClock } from '../adapters/telephony/simulator/simulated-clock.js';
import { DEFAULT_CALL_TIME } from '../adapters/telephony/simulator/simulated-ports.js';
import { simulatedCallPorts, simulatedPortsFor } from './simulated-call-ports.js';
import { worldSchema, type WorldInput } from '../adapters/telephony/simulator/world.js';

export type { CallerAction } from '../adapters/telephony/simulator/caller-action.js';
export { DEFAULT_CALL_TIME };

export interface RunFlowOptions {
  /** How destinations, queues, payments and web services answer. */
  world?: WorldInput;
  /** Flows a subflow node can run. */
  flows?: Flow[];
  vars?: Record<string, VarValue>;
}

/** Call `flow` as `caller` scripts it; what the caller heard comes back as text beside the run's result. */
export async function runFlow(flow: Flow, caller: CallerAction[], options: RunFlowOptions = {}) {
  const result = await runScriptedCall({
    flow,
    caller,
    world: worldSchema.parse(options.world ?? {}),
    ports: simulatedPortsFor([flow, ...(options.flows ?? [])]),
    callId: 'c1',
    ...(options.vars ? { vars: options.vars } : {}),
  });
  return { ...result, heard: result.call.heard.map((s) => s.text), channel: result.call };
}

/** The simulator's ports in an empty world. */
export function emptyWorldPorts(): FlowPorts {
  return simulatedCallPorts({ world: worldSchema.parse({}), clock: new SimulatedClock(DEFAULT_CALL_TIME) });
}
