import type { Clock, FlowSource, PromptLibrary, Recognizer } from '../../../ports/index.js';
import type { Flow } from '../../../core/flow/schema.js';
import type { FlowPorts } from '../../../core/runtime/ports.js';
import { SimulatedClock } from './simulated-clock.js';
import { SimulatedHttpClient } from './simulated-http-client.js';
import { SimulatedPaymentGateway } from './simulated-payment-gateway.js';
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

/** Every port a flow needs, answered by the simulated world on the given clock. */
export function simulatedPorts(options: {
  world: World;
  clock?: Clock;
  flows?: Iterable<Flow>;
  prompts?: PromptLibrary;
  /** The recogniser for real audio spoken into a live test call (the one phone calls use). */
  audioRecognizer?: Recognizer;
}): FlowPorts & { clock: Clock; http: SimulatedHttpClient } {
  const clock = options.clock ?? new SimulatedClock(DEFAULT_CALL_TIME);
  return {
    clock,
    speech: new TextRecognizer({ available: options.world.recognizer !== 'unavailable', ...(options.audioRecognizer ? { audio: options.audioRecognizer } : {}) }),
    payments: new SimulatedPaymentGateway(options.world, clock),
    queue: new SimulatedQueue(options.world, clock),
    http: new SimulatedHttpClient(options.world, clock),
    flows: new MemoryFlowSource(options.flows),
    ...(options.prompts ? { prompts: options.prompts } : {}),
  };
}
