/**
 * Ports for calls that run with no engine behind them — the CLI's calls and flow tests, benches, and
 * the runtime's own tests: the simulated world's adapters and the real ACD in a scratch database (with
 * the world's simulated agents), put together by engine/src/calls/call-ports.ts exactly as the engine
 * puts together a designer's test call. `release()` once the call is over: the ACD realm closes.
 */
import { createCallPorts } from '../calls/call-ports.js';
import type { Clock, FlowPorts, PromptLibrary } from '../ports/index.js';
import type { Flow } from '../ports/flow.js';
import { simulatedKit, simulatedStandIns } from '../adapters/telephony/simulator/simulated-ports.js';
import type { World } from '../adapters/telephony/simulator/world.js';
import { simulatedAcd, type QueueDefinition } from './simulated-acd.js';

export type ReleasablePorts = FlowPorts & { release(): Promise<void> };

export function simulatedCallPorts(options: {
  world: World;
  clock: Clock;
  drafts?: Iterable<Flow>;
  prompts?: PromptLibrary;
  /** The world's stand-ins, when the caller wants to look at them afterwards (the web services' requests). */
  standIns?: ReturnType<typeof simulatedStandIns>;
  /** Queues as the flows' folder defines them (flows/queues.json), before the world changes them. */
  queues?: ReadonlyMap<string, QueueDefinition>;
}): ReleasablePorts {
  const { world, clock, prompts } = options;
  const queue = simulatedAcd(world, clock, options.queues ? { queues: options.queues } : {});
  const kit = { ...simulatedKit(world, { clock, queue }), ...(prompts ? { prompts: { phone: prompts, test: prompts } } : {}) };
  const ports = createCallPorts(kit).test({ clock, standIns: { ...(options.standIns ?? simulatedStandIns(world, clock)), queue }, drafts: options.drafts ?? [] });
  return { ...ports, release: () => queue.close() };
}

/** The `ports` option of the simulator's call runners: simulated ports with these drafts (and prompts). */
export const simulatedPortsFor =
  (drafts: Iterable<Flow>, prompts?: PromptLibrary, queues?: ReadonlyMap<string, QueueDefinition>) =>
  (clock: Clock, world: World): ReleasablePorts =>
    simulatedCallPorts({ world, clock, drafts, ...(prompts ? { prompts } : {}), ...(queues ? { queues } : {}) });
