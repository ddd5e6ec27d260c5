/**
 * Ports for calls that run with no engine behind them — the CLI's calls and flow tests, benches, and
 * the runtime's own tests: the simulated world's adapters, put together by engine/src/calls/call-ports.ts
 * exactly as the engine puts together a designer's test call.
 */
import { createCallPorts } from '../calls/call-ports.js';
import type { Clock, FlowPorts, PromptLibrary, StoredSchedule } from '../ports/index.js';
import type { Flow } from '../ports/flow.js';
import { simulatedKit, simulatedStandIns } from '../adapters/telephony/simulator/simulated-ports.js';
import type { World } from '../adapters/telephony/simulator/world.js';

export function simulatedCallPorts(options: {
  world: World;
  clock: Clock;
  drafts?: Iterable<Flow>;
  prompts?: PromptLibrary;
  /** Stored opening hours that opening-hours steps name (a folder's schedules.json, a test's own). */
  schedules?: Iterable<StoredSchedule>;
  /** The world's stand-ins, when the caller wants to look at them afterwards (the web services' requests). */
  standIns?: ReturnType<typeof simulatedStandIns>;
}): FlowPorts {
  const { world, clock, prompts } = options;
  const kit = { ...simulatedKit(world, { clock, ...(options.schedules ? { schedules: options.schedules } : {}) }), ...(prompts ? { prompts: { phone: prompts, test: prompts } } : {}) };
  return createCallPorts(kit).test({ clock, standIns: options.standIns ?? simulatedStandIns(world, clock), drafts: options.drafts ?? [] });
}

/** The `ports` option of the simulator's call runners: simulated ports with these drafts (and prompts, stored schedules). */
export const simulatedPortsFor =
  (drafts: Iterable<Flow>, prompts?: PromptLibrary, schedules?: Iterable<StoredSchedule>) =>
  (clock: Clock, world: World): FlowPorts =>
    simulatedCallPorts({ world, clock, drafts, ...(prompts ? { prompts } : {}), ...(schedules ? { schedules } : {}) });
