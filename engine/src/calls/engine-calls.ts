/**
 * Everything an engine needs to run calls, built the same way by main.ts and by the API's test
 * harness — only the adapters handed in differ: the published flows, the prompt library (located for
 * the media server and for the browser), and the call ports of call-ports.ts.
 */
import type { FlowPorts } from '../ports/flow-ports.js';
import type { EngineLogger } from '../ports/logger.js';
import type { DialOptions, DialResult, OutboundCalls } from '../ports/outbound-calls.js';
import type { Destination } from '../ports/call-channel.js';
import type { Store } from '../ports/store.js';
import { createCallPorts, type CallPorts } from './call-ports.js';
import { browserRecording, StorePromptLibrary, type RecordingLocator } from './prompt-library.js';
import { PublishedFlows } from './published-flows.js';

/** How stale the phone calls' copy of the prompt library may get before it is reloaded (in the background). */
export const PHONE_PROMPTS_REFRESH_MS = 15_000;

export interface EngineCalls {
  ports: CallPorts;
  flows: PublishedFlows;
  prompts: { phone: StorePromptLibrary; test: StorePromptLibrary };
  /** Calls the engine places itself (the ACD's callbacks): real SIP once telephony is attached, else a reason why not. */
  outbound: EngineOutboundCalls;
  /** Stops refreshing the prompt library. */
  close(): void;
}

export async function createEngineCalls(options: {
  store: Store;
  logger: EngineLogger;
  adapters: Omit<FlowPorts, 'flows' | 'prompts'>;
  /** Where the media server fetches recordings from (signed engine URLs); without it phone calls speak prompts' text. */
  mediaServerRecording?: RecordingLocator;
  /** Where calls the engine places go, when known now (tests, the simulated world); real telephony attaches later. */
  outbound?: OutboundCalls;
}): Promise<EngineCalls> {
  const { store, logger, adapters } = options;
  const flows = new PublishedFlows(store, logger);
  const now = () => adapters.clock.now();
  const prompts = {
    phone: new StorePromptLibrary(store.prompts, options.mediaServerRecording ?? (() => ''), now),
    test: new StorePromptLibrary(store.prompts, browserRecording, now),
  };
  await Promise.all([prompts.phone.fresh(0), prompts.test.fresh(0)]);
  // Phone calls never wait for the database to hear a prompt: their copy is refreshed behind them.
  const refresh = setInterval(() => {
    prompts.phone.fresh(0).catch((error: unknown) => logger.error('prompt library: could not reload it (calls keep the last copy)', error));
  }, PHONE_PROMPTS_REFRESH_MS);
  refresh.unref();
  const ports = createCallPorts({ ...adapters, flows, prompts: { phone: prompts.phone, test: prompts.test } });
  const outbound = new EngineOutboundCalls();
  if (options.outbound) outbound.attach(options.outbound);
  return { ports, flows, prompts, outbound, close: () => clearInterval(refresh) };
}

/**
 * The engine's outbound calls. main.ts starts telephony after the calls wing (telephony hands its calls
 * to the flows), so the SIP adapter is attached later; until then — and on an engine with no telephony —
 * every dial fails with the reason, an outcome the callback worker records and retries like any other.
 */
export class EngineOutboundCalls implements OutboundCalls {
  private target: OutboundCalls | undefined;

  attach(target: OutboundCalls): void {
    this.target = target;
  }

  async dial(destination: Destination, options: DialOptions): Promise<DialResult> {
    if (!this.target) return { kind: 'failed', reason: 'this engine places no calls: telephony is not configured (or not started yet)' };
    return this.target.dial(destination, options);
  }
}
