import type { Clock } from './clock.js';
import type { FlowSource, PromptLibrary } from './flow-source.js';
import type { HttpClient } from './http-client.js';
import type { PaymentGateway } from './payment-gateway.js';
import type { QueuePort } from './queue.js';
import type { Recognizer } from './recognizer.js';
import type { ScheduleSource } from './schedule-source.js';
import type { SecretSource } from './secrets.js';

/**
 * The outside world a flow runs against. Put together for every kind of call — phone calls, the
 * designer's test calls, the CLI and benches — in ONE place, engine/src/calls/call-ports.ts
 * (per-call things such as the channel travel with the call).
 */
export interface FlowPorts {
  speech: Recognizer;
  payments: PaymentGateway;
  queue: QueuePort;
  http: HttpClient;
  clock: Clock;
  flows: FlowSource;
  /** Stored opening hours (the Schedules screen), read when a call reaches an opening-hours step. */
  schedules: ScheduleSource;
  /** Recorded prompts; without it every prompt is spoken from its text. */
  prompts?: PromptLibrary;
  /** Secrets nodes refer to by name; without it a node that needs one fails (its error exit, else the fallback). */
  secrets?: SecretSource;
}
