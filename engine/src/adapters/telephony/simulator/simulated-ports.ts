import type { Clock, FlowSource, PromptLibrary, ScheduleSource, StoredSchedule } from '../../../ports/index.js';
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

/** Stored schedules held in memory, by id (a folder's schedules.json, a test's own). */
export class MemoryScheduleSource implements ScheduleSource {
  private readonly byId: Map<string, StoredSchedule>;

  constructor(schedules: Iterable<StoredSchedule> = []) {
    this.byId = new Map([...schedules].map((s) => [s.id, s]));
  }

  async schedule(scheduleId: string): Promise<StoredSchedule | undefined> {
    return this.byId.get(scheduleId);
  }
}

/** Every port a flow needs, answered by the simulated world on the given clock. */
export function simulatedPorts(options: {
  world: World;
  clock?: Clock;
  flows?: Iterable<Flow>;
  /** Stored opening hours: a list, or a source (e.g. the store's schedules, for designer test calls). */
  schedules?: Iterable<StoredSchedule> | ScheduleSource;
  prompts?: PromptLibrary;
}): FlowPorts & { clock: Clock; http: SimulatedHttpClient } {
  const clock = options.clock ?? new SimulatedClock(DEFAULT_CALL_TIME);
  return {
    clock,
    speech: new TextRecognizer(),
    payments: new SimulatedPaymentGateway(options.world, clock),
    queue: new SimulatedQueue(options.world, clock),
    http: new SimulatedHttpClient(options.world, clock),
    flows: new MemoryFlowSource(options.flows),
    schedules: isScheduleSource(options.schedules) ? options.schedules : new MemoryScheduleSource(options.schedules),
    ...(options.prompts ? { prompts: options.prompts } : {}),
  };
}

const isScheduleSource = (schedules: Iterable<StoredSchedule> | ScheduleSource | undefined): schedules is ScheduleSource =>
  typeof (schedules as ScheduleSource | undefined)?.schedule === 'function';
