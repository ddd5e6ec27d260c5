import type { Clock, FlowSource, PromptLibrary } from '../../../ports/index.js';
import type { Flow } from '../../../core/flow/schema.js';
import type { FlowPorts } from '../../../core/runtime/ports.js';
import { SimulatedClock } from './simulated-clock.js';
import { SimulatedHttpClient } from './simulated-http-client.js';
import type { FarEnds } from './far-end.js';
import type { SharedFakePay360 } from '../../payments/pay360/fake/stand-in.js';
import { simulatedPayments } from './simulated-payments.js';
import { SimulatedQueue } from './simulated-queue.js';
import { TextRecognizer } from './text-recognizer.js';
import type { World } from './world.js';

/** Wednesday 7 January 2026, 10:00 in London: a normal working morning, the default for test calls. */
export const DEFAULT_CALL_TIME = Date.parse('2026-01-07T10:00:00Z');

/** Flows held in memory, by id (a folder of flow files, the designer's drafts). */
export class MemoryFlowSource implements FlowSource {
  private readonly byId: Map<string, Flow>;

  constructor(flows: Iterable<Flow> = []) {
    this.byId = new Map([...flows].map((f) => [f.id, f]));
  }

  async published(flowId: string): Promise<Flow | undefined> {
    return this.byId.get(flowId);
  }
}

/**
 * Every port a flow needs, answered by the simulated world on the given clock, and the far ends a
 * simulated call can be handed to (pass them to the SimulatedCall).
 */
export function simulatedPorts(options: {
  world: World;
  clock?: Clock;
  flows?: Iterable<Flow>;
  prompts?: PromptLibrary;
  /** A fake Pay360 shared by many calls over HTTP (the engine's); default a private one in process. */
  pay360?: SharedFakePay360;
}): FlowPorts & { clock: Clock; http: SimulatedHttpClient; farEnds: FarEnds } {
  const clock = options.clock ?? new SimulatedClock(DEFAULT_CALL_TIME);
  const { payments, farEnds } = simulatedPayments(options.world, clock, options.pay360);
  return {
    clock,
    farEnds,
    speech: new TextRecognizer(),
    payments,
    queue: new SimulatedQueue(options.world, clock),
    http: new SimulatedHttpClient(options.world, clock),
    flows: new MemoryFlowSource(options.flows),
    ...(options.prompts ? { prompts: options.prompts } : {}),
  };
}
