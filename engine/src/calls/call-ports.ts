/**
 * The ONE place a call's ports are put together — phone calls, the designer's test calls, the CLI's
 * calls and flow tests, benches. Whoever composes the engine (main.ts, or a harness without a
 * database) hands in adapters as a kit; this wing never imports an adapter. A port wired for one kind
 * of call and not another is the bug this file exists to prevent.
 */
import type { Clock } from '../ports/clock.js';
import type { Flow } from '../ports/flow.js';
import type { FlowPorts } from '../ports/flow-ports.js';
import type { FlowSource, PromptLibrary } from '../ports/flow-source.js';
import type { HttpClient } from '../ports/http-client.js';
import type { PaymentGateway } from '../ports/payment-gateway.js';
import type { QueuePort } from '../ports/queue.js';
import type { Recognizer } from '../ports/recognizer.js';
import type { ScheduleSource } from '../ports/schedule-source.js';
import type { SecretSource } from '../ports/secrets.js';
import { DraftsFirst } from './published-flows.js';

/** The engine's adapters, as real phone calls use them. */
export interface CallPortsKit {
  clock: Clock;
  speech: Recognizer;
  http: HttpClient;
  payments: PaymentGateway;
  queue: QueuePort;
  /** Published flows: a subflow runs the version published now. */
  flows: FlowSource;
  /** Stored opening hours (the Schedules screen), read when a call reaches them. */
  schedules: ScheduleSource;
  /** The prompt library, with recordings located for whoever plays them. */
  prompts?: { phone: PromptLibrary; test: PromptLibrary };
  /** The secrets store ({{secret:NAME}} in data dips), opened only at run time. */
  secrets?: SecretSource;
}

/**
 * The outside world as a test call asks for it: stand-ins (the simulated world) replace the kit's adapters.
 * The simulated world's secrets are stand-ins too: a designer's test call never reveals a real secret.
 * Scripted calls bring the stored schedules read beforehand: their simulated clock jumps ahead while the
 * call waits on a database it does not know of.
 */
export type StandIns = Partial<Pick<FlowPorts, 'speech' | 'http' | 'payments' | 'queue' | 'secrets' | 'schedules'>>;

export interface TestCallSetup {
  /** The test call's own clock (moved to "Saturday 23:30", or simulated for scripted calls). */
  clock: Clock;
  standIns?: StandIns;
  /** Unpublished flows the call runs instead of their published versions (the draft under test). */
  drafts?: Iterable<Flow>;
}

export interface CallPorts {
  /** Ports of every real phone call: one object for the engine's life (flow machines are cached per ports). */
  readonly phone: FlowPorts;
  /** Ports of one test call. */
  test(setup: TestCallSetup): FlowPorts;
}

export function createCallPorts(kit: CallPortsKit): CallPorts {
  const phone: FlowPorts = {
    clock: kit.clock,
    speech: kit.speech,
    http: kit.http,
    payments: kit.payments,
    queue: kit.queue,
    flows: kit.flows,
    schedules: kit.schedules,
    ...(kit.prompts ? { prompts: kit.prompts.phone } : {}),
    ...(kit.secrets ? { secrets: kit.secrets } : {}),
  };
  return {
    phone,
    test: ({ clock, standIns = {}, drafts }) => ({
      clock,
      speech: standIns.speech ?? kit.speech,
      http: standIns.http ?? kit.http,
      payments: standIns.payments ?? kit.payments,
      queue: standIns.queue ?? kit.queue,
      flows: drafts ? new DraftsFirst(drafts, kit.flows) : kit.flows,
      schedules: standIns.schedules ?? kit.schedules,
      ...(kit.prompts ? { prompts: kit.prompts.test } : {}),
      ...((standIns.secrets ?? kit.secrets) ? { secrets: standIns.secrets ?? kit.secrets } : {}),
    }),
  };
}
