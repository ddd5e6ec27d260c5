/**
 * Everything an engine needs to run calls, built the same way by main.ts and by the API's test
 * harness — only the adapters handed in differ: the published flows, the prompt library (located for
 * the media server and for the browser), and the call ports of call-ports.ts.
 */
import type { FlowPorts } from '../ports/flow-ports.js';
import type { EngineLogger } from '../ports/logger.js';
import type { Store } from '../ports/store.js';
import { callRecordsPending, callRecordsWritten } from '../metrics.js';
import { CallLog } from './call-recorder.js';
import { createCallPorts, type CallPorts } from './call-ports.js';
import { browserRecording, StorePromptLibrary, type RecordingLocator } from './prompt-library.js';
import { PublishedFlows } from './published-flows.js';

/** How stale the phone calls' copy of the prompt library may get before it is reloaded (in the background). */
export const PHONE_PROMPTS_REFRESH_MS = 15_000;

export interface EngineCalls {
  ports: CallPorts;
  flows: PublishedFlows;
  prompts: { phone: StorePromptLibrary; test: StorePromptLibrary };
  /** Phone calls' records, written behind the calls. */
  log: CallLog;
  /** Stops refreshing the prompt library; writes the call records still waiting. */
  close(): Promise<void>;
}

export async function createEngineCalls(options: {
  store: Store;
  logger: EngineLogger;
  adapters: Omit<FlowPorts, 'flows' | 'prompts'>;
  /** Where the media server fetches recordings from (signed engine URLs); without it phone calls speak prompts' text. */
  mediaServerRecording?: RecordingLocator;
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
  const log = new CallLog(store.calls, {
    onError: (what, error) => logger.error(`could not store ${what}`, error),
    healthy: async () => (await store.health()).ok,
    onWritten: (written, pending) => {
      callRecordsWritten.inc(written);
      callRecordsPending.set(pending);
    },
  });
  return {
    ports,
    flows,
    prompts,
    log,
    async close() {
      clearInterval(refresh);
      await log.close();
    },
  };
}
