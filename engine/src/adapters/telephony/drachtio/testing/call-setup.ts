import type { PromptSegment } from '../../../../ports/call-channel.js';
import { SimulatedClock } from '../../simulator/simulated-clock.js';
import { parseTelephonyConfig, type TelephonyConfigInput } from '../config.js';
import { DrachtioCall } from '../drachtio-call.js';
import { MediaServerPool } from '../media-pool.js';
import { createOutboundRouter } from '../outbound-routing.js';
import type { PlacedCallDeps } from '../placed-calls.js';
import { captureLogger, FakeMediaServer, FakeResponse, FakeSipAgent, fakeRequest } from './fakes.js';

/** Test support for DrachtioCall and placed calls: an inbound call on two fake media servers, a fake drachtio-srf, simulated time. */

export const say = (text: string): PromptSegment[] => [{ language: 'en-GB', text }];

/** Let every pending promise callback and immediate run (no time passes). */
export const settle = async () => {
  for (let i = 0; i < 30; i += 1) await new Promise((resolve) => setImmediate(resolve));
};

export async function setupCall(
  extra: Partial<TelephonyConfigInput> = {},
  settings: { recordCalls?: boolean; speechFor?: (text: string, language: string) => string } = {},
) {
  const clock = new SimulatedClock(Date.UTC(2026, 0, 7, 10), { idleDriven: false });
  const logger = captureLogger();
  const recordings = new Map<string, Uint8Array>();
  const servers = [new FakeMediaServer('fs1', clock, recordings), new FakeMediaServer('fs2', clock, recordings)];
  const config = parseTelephonyConfig({
    drachtio: { secret: 'secret' },
    mediaServers: [
      { name: 'fs1', host: 'fs1' },
      { name: 'fs2', host: 'fs2' },
    ],
    trunks: [{ name: 'carrier', outbound: { host: 'sip.carrier.example' } }],
    ...extra,
  });
  const pool = new MediaServerPool(config.mediaServers, async (c) => servers.find((s) => s.name === c.name)!, clock, logger);
  await pool.start();
  const sip = new FakeSipAgent(clock);
  const request = fakeRequest();
  const response = new FakeResponse();
  const media = await pool.createLeg({ remoteSdp: request.body });
  const agents = { contactsOf: async (id: string) => (id === 'alice' ? ['sip:alice@10.0.0.5:5062'] : []) };
  const deps: PlacedCallDeps = {
    sip,
    createLeg: (options) => pool.createLeg(options),
    route: createOutboundRouter(config, agents, () => []),
    clock,
    logger,
    readRecording: async (path) => {
      const bytes = recordings.get(path);
      if (!bytes) throw new Error(`no recording at ${path}`);
      return bytes;
    },
    settings: { ttsVoice: 'slt', recordingsDir: '/recordings', recordCalls: settings.recordCalls ?? false },
    ...(settings.speechFor ? { speechFor: settings.speechFor } : {}),
  };
  const call = new DrachtioCall({
    ...deps,
    callId: 'call-1',
    from: '+447700900123',
    to: '+441234500000',
    signalling: { kind: 'inbound', request, response },
    media,
  });
  const callerChannel = servers[0]!.channels[0]!;
  const signal = new AbortController().signal;
  /** Every FreeSWITCH channel but the caller's, in the order they were made. */
  const otherChannels = () => servers.flatMap((s) => s.channels).filter((c) => c !== callerChannel);
  return { clock, logger, servers, sip, request, response, call, callerChannel, signal, pool, deps, otherChannels };
}
