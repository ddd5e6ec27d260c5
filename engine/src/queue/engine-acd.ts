/**
 * The ACD of one engine: real calls in realm '' (dispatch passes, safety sweeps, writes retried while
 * the database restarts, callbacks worked when the engine places calls), and a realm per designer test
 * call with its simulated agents. main.ts builds one; so does the API's test harness.
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../ports/clock.js';
import type { EngineLogger } from '../ports/logger.js';
import type { OutboundCalls } from '../ports/outbound-calls.js';
import type { Store } from '../ports/store.js';
import { AcdRealm, type QueueOverride } from './acd.js';
import { CallbackWorker } from './callbacks.js';
import { SIMULATED_TAG, TestRealm, type SimulatedAgentPlan } from './test-realm.js';

/** Real time between safety passes (missed signals, stuck offers, ended wrap-ups, due callbacks). */
export const DEFAULT_SWEEP_MS = 2_000;

export interface EngineAcdOptions {
  store: Store;
  clock: Clock;
  engineInstanceId: string;
  logger: EngineLogger;
  sweepMs?: number;
  /** Calls this engine places (callbacks); without it the engine takes no callbacks (another engine does). */
  outbound?: OutboundCalls;
  /** The number callbacks are presented from (the council's main number). */
  callbackCallerId?: string;
}

export class EngineAcd {
  /** Real calls' QueuePort. */
  readonly phone: AcdRealm;
  private readonly tag = randomBytes(3).toString('hex');
  private testCalls = 0;

  constructor(private readonly options: EngineAcdOptions) {
    this.phone = new AcdRealm({
      store: options.store,
      clock: options.clock,
      engineInstanceId: options.engineInstanceId,
      logger: options.logger,
      sweepMs: options.sweepMs ?? DEFAULT_SWEEP_MS,
      retryWrites: true,
    });
    if (options.outbound) this.placeCallsWith(options.outbound);
    // Whatever a previous run left (offers, wrap-ups, callbacks due) is picked up at once.
    void this.phone.sweep();
  }

  /** From now on this engine works callbacks, placing their calls with `outbound` (telephony, once started). */
  placeCallsWith(outbound: OutboundCalls): void {
    const { clock, callbackCallerId } = this.options;
    this.phone.workCallbacks(new CallbackWorker(this.phone, { outbound, clock, ...(callbackCallerId ? { callerId: callbackCallerId } : {}) }));
  }

  /**
   * A designer's test call: the engine's queues and dispatch with the call's own simulated agents
   * (`agents` gives them for a queue; their ids get this engine's tag, so test calls never share one).
   */
  testRealm(options: {
    clock: Clock;
    agentsFor(queueId: string, allocate: (id: string) => string): SimulatedAgentPlan[];
    overrides?(queueId: string): QueueOverride | undefined;
    /** The test call's simulated outbound calls (never the real trunk). */
    outbound?: OutboundCalls;
  }): TestRealm {
    const realm = `test:${this.tag}:${++this.testCalls}`;
    const suffix = `${SIMULATED_TAG}${this.tag}${this.testCalls}`;
    return new TestRealm({
      store: this.options.store,
      clock: options.clock,
      engineInstanceId: this.options.engineInstanceId,
      logger: this.options.logger,
      realm,
      agentsFor: (queueId) => options.agentsFor(queueId, (id) => `${id}${suffix}`),
      ...(options.overrides ? { overrides: options.overrides } : {}),
      ...(options.outbound ? { callbacks: (acd: AcdRealm) => new CallbackWorker(acd, { outbound: options.outbound!, clock: options.clock }) } : {}),
    });
  }

  close(): Promise<void> {
    return this.phone.close();
  }
}
