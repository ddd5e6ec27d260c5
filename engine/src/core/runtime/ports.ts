import type { Clock, FlowSource, HttpClient, PaymentGateway, PromptLibrary, QueuePort, Recognizer, SecretSource } from '../../ports/index.js';

/** The outside world a flow runs against, shared by every call on an engine (per-call things travel with the call). */
export interface FlowPorts {
  speech: Recognizer;
  payments: PaymentGateway;
  queue: QueuePort;
  http: HttpClient;
  clock: Clock;
  flows: FlowSource;
  /** Recorded prompts; without it every prompt is spoken from its text. */
  prompts?: PromptLibrary;
  /** Secrets nodes refer to by name; without it a node that needs one fails (its error exit, else the fallback). */
  secrets?: SecretSource;
}
