import type { Clock, FlowPorts, FlowSource, Recognizer, SecretSource } from '../../../ports/index.js';
import type { Flow } from '../../../ports/flow.js';
import { SimulatedClock } from './simulated-clock.js';
import { SimulatedHttpClient } from './simulated-http-client.js';
import type { SharedFakePay360 } from '../../payments/pay360/fake/stand-in.js';
import { simulatedPayments } from './simulated-payments.js';
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
 * Secrets in a simulated call: a stand-in naming each secret, never a real value (test calls in the
 * designer and scripted calls check what a flow does, and must not reveal what the secrets hold).
 */
export const STAND_IN_SECRETS: SecretSource = { reveal: async (name) => `[secret ${name}]` };

/**
 * The simulated world's stand-ins for the outside world (typed speech, web services, payments, secrets)
 * on a clock. Queues are not stood in for: simulated calls go through the real ACD with simulated agents
 * (engine/src/testing/simulated-acd.ts). `audioRecognizer` hears real audio spoken into a live test call: the recogniser
 * phone calls use. Payments are the real Pay360 adapter against the fake Pay360 — a private one in
 * process, or `pay360`, one shared over HTTP (the engine's, for designer test calls) — and a simulated
 * call finds the fake's payment line through farEndsOf(payments).
 */
export function simulatedStandIns(
  world: World,
  clock: Clock,
  options: { audioRecognizer?: Recognizer | undefined; pay360?: SharedFakePay360 | undefined } = {},
): Pick<FlowPorts, 'speech' | 'http' | 'payments'> & { http: SimulatedHttpClient; secrets: SecretSource } {
  return {
    secrets: STAND_IN_SECRETS,
    speech: new TextRecognizer({ available: world.recognizer !== 'unavailable', ...(options.audioRecognizer ? { audio: options.audioRecognizer } : {}) }),
    payments: simulatedPayments(world, clock, options.pay360),
    http: new SimulatedHttpClient(world, clock),
  };
}

/**
 * A whole engine's worth of adapters answered by the simulated world, but the queue (given: the real ACD),
 * for runs with no engine behind them (the CLI, flow tests, benches): hand it to
 * engine/src/calls/call-ports.ts like main.ts hands its real adapters.
 */
export function simulatedKit(world: World, options: { clock?: Clock; flows?: Iterable<Flow>; queue?: FlowPorts['queue'] }) {
  const clock = options.clock ?? new SimulatedClock(DEFAULT_CALL_TIME);
  return { clock, ...simulatedStandIns(world, clock), queue: options.queue ?? NO_ACD, flows: new MemoryFlowSource(options.flows) };
}

/** A kit made without the ACD (a bench of one node, a test of the ports themselves): a queue node there is a fault that says so. */
const NO_ACD: FlowPorts['queue'] = {
  join: async () => {
    throw new Error('this simulated kit has no ACD: give simulatedKit a queue (engine/src/testing/simulated-acd.ts)');
  },
};
