import type { Clock, FlowSource, HttpClient, PaymentGateway, PromptLibrary, QueuePort, Recognizer, ScheduleSource } from '../../ports/index.js';

/** The outside world a flow runs against, shared by every call on an engine (per-call things travel with the call). */
export interface FlowPorts {
  speech: Recognizer;
  payments: PaymentGateway;
  queue: QueuePort;
  http: HttpClient;
  clock: Clock;
  flows: FlowSource;
  /** Stored opening hours (the Schedules screen), read when a call reaches a schedule node. */
  schedules: ScheduleSource;
  /** Recorded prompts; without it every prompt is spoken from its text. */
  prompts?: PromptLibrary;
}
