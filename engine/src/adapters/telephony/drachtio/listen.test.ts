import { afterEach, describe, expect, it } from 'vitest';
import type { ListenOptions, ListenResult, PromptSegment } from '../../../ports/call-channel.js';
import { SimulatedClock } from '../simulator/simulated-clock.js';
import { AudioForkServer } from './audio-fork-server.js';
import { parseTelephonyConfig } from './config.js';
import { DrachtioCall } from './drachtio-call.js';
import { MediaServerPool } from './media-pool.js';
import { createOutboundRouter } from './outbound-routing.js';
import { DEFAULT_VOICE_ACTIVITY } from './voice-activity.js';
import { noise, silence, tone } from './testing/caller-audio.js';
import { captureLogger, FakeMediaServer, FakeResponse, FakeSipAgent, fakeRequest, type FakeFreeSwitchChannel } from './testing/fakes.js';

/**
 * Listening on a real call: the caller's audio streamed live by mod_audio_fork (here its named fake,
 * connecting to the engine's real audio-fork server over a real websocket), speech barge-in, end of
 * speech, no input, the longest answer, keys, hang-ups, and listening without a stream.
 */

const RATE = 8000;
const say = (text: string): PromptSegment[] => [{ language: 'en-GB', text }];
const servers: AudioForkServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

const settle = async () => {
  for (let i = 0; i < 30; i += 1) await new Promise((resolve) => setImmediate(resolve));
};

async function setup(options: { streaming?: boolean; urlLifetimeMs?: number } = {}) {
  const clock = new SimulatedClock(Date.UTC(2026, 0, 7, 10), { idleDriven: false });
  const logger = captureLogger();
  const recordings = new Map<string, Uint8Array>();
  const server = new FakeMediaServer('fs1', clock, recordings);
  const config = parseTelephonyConfig({ drachtio: { secret: 'secret' }, mediaServers: [{ name: 'fs1', host: 'fs1' }] });
  const pool = new MediaServerPool(config.mediaServers, async () => server, clock, logger);
  await pool.start();
  const forks = await AudioForkServer.start({ listenAddress: '127.0.0.1', listenPort: 0, logger, urlLifetimeMs: options.urlLifetimeMs ?? 5000 });
  servers.push(forks);
  const unavailable: string[] = [];
  const request = fakeRequest();
  const call = new DrachtioCall({
    callId: 'call-1',
    from: '+447700900123',
    to: '+441234500000',
    signalling: { kind: 'inbound', request, response: new FakeResponse() },
    media: await pool.createLeg({ remoteSdp: request.body }),
    sip: new FakeSipAgent(clock),
    createLeg: (opts) => pool.createLeg(opts),
    route: createOutboundRouter(config, { bindingsOf: async () => [] }, () => []),
    clock,
    logger,
    readRecording: async (path) => recordings.get(path) ?? Promise.reject(new Error(`no recording at ${path}`)),
    settings: { ttsVoice: 'slt', recordingsDir: '/recordings', recordCalls: false },
    ...(options.streaming === false
      ? {}
      : {
          callerSpeech: {
            forks,
            settings: { sampleRateHz: RATE as 8000, voice: DEFAULT_VOICE_ACTIVITY, preRollMs: 300 },
            unavailable: (mediaServer: string, reason: string) => unavailable.push(`${mediaServer}: ${reason}`),
          },
        }),
  });
  const channel = server.channels[0]!;
  return { clock, logger, call, channel, forks, unavailable, recordings };
}

const ask = (overrides: Partial<ListenOptions> = {}): ListenOptions => ({
  prompt: say('Please tell us in a few words what you are calling about.'),
  bargeIn: true,
  language: 'en-GB',
  noInputTimeoutMs: 5_000,
  maxSpeechMs: 15_000,
  allowDigits: true,
  maxDigits: 1,
  signal: new AbortController().signal,
  ...overrides,
});

/** Waits until the channel's audio fork is connected (real websocket, real time). */
async function streaming(channel: FakeFreeSwitchChannel): Promise<void> {
  await expect.poll(() => channel.audioFork?.isOpen ?? false).toBe(true);
}

async function framesOf(result: ListenResult): Promise<Uint8Array[]> {
  if (result.kind !== 'speech' || result.utterance.kind !== 'audio') throw new Error(`expected speech, got ${result.kind}`);
  const frames: Uint8Array[] = [];
  for await (const frame of result.utterance.audio) frames.push(frame);
  return frames;
}

const playing = (channel: FakeFreeSwitchChannel) => channel.executed.filter((e) => e.app === 'playback').length;
const breaks = (channel: FakeFreeSwitchChannel) => channel.apiCalls.filter((c) => c.startsWith('uuid_break')).length;

describe('DrachtioCall.listen with the caller’s audio streamed live (mod_audio_fork)', () => {
  it('speech over the prompt stops it; the utterance streams live from just before the first word to the trailing silence', async () => {
    const { call, channel, forks } = await setup();
    const heard = call.listen(ask());
    await streaming(channel);
    expect(channel.apiCalls.find((c) => c.startsWith('uuid_audio_fork'))).toMatch(new RegExp(`^uuid_audio_fork ${channel.uuid} start ${forks.baseUrl}/audio-fork/[A-Za-z0-9_-]{32} mono 8k$`));
    expect(playing(channel)).toBe(1);
    await channel.speak(silence(400, RATE));
    expect(breaks(channel)).toBe(0);
    await channel.speak(tone(300, -20, 1200, RATE));
    // The prompt is cut (uuid_break) and the speech handed over while the caller is still talking.
    await expect.poll(() => breaks(channel)).toBe(1);
    const result = await heard;
    expect(result).toMatchObject({ kind: 'speech', utterance: { kind: 'audio', sampleRateHz: RATE } });
    const reading = framesOf(result);
    await channel.speak(silence(1000, RATE));
    const frames = await reading;
    // 300 ms before speech was sure (pre-roll and the 200 ms it took), the 1 s rest of the speech, 800 ms of trailing silence.
    expect(frames.length * 20).toBe(300 + 200 + 1000 + 800);
    expect(frames.every((f) => f.byteLength === 320)).toBe(true);
    await expect.poll(() => channel.audioForkAttached).toBe(false);
    expect(channel.apiCalls.at(-1)).toBe(`uuid_audio_fork ${channel.uuid} stop`);
    await expect.poll(() => forks.openConnections).toBe(0);
  });

  it('line noise, a click or a cough does not stop the prompt; saying nothing after it is no input, and the stream stops', async () => {
    const { call, channel, clock, forks } = await setup();
    const heard = call.listen(ask());
    await streaming(channel);
    await channel.speak(silence(200, RATE));
    await channel.speak(noise(-15, 80, RATE, 7));
    await channel.speak(noise(-58, 600, RATE, 8));
    await channel.speak(tone(200, -18, 140, RATE));
    await channel.speak(silence(400, RATE));
    await settle();
    expect(breaks(channel)).toBe(0);
    await clock.advance(2_000); // the prompt ends
    await settle();
    await clock.advance(4_999);
    await settle();
    expect(channel.audioForkAttached).toBe(true);
    await clock.advance(1);
    expect(await heard).toEqual({ kind: 'noInput' });
    expect(channel.audioForkAttached).toBe(false);
    await expect.poll(() => forks.openConnections).toBe(0);
  });

  it('without barge-in the prompt plays out; talking over its end is heard from its first words', async () => {
    const { call, channel, clock } = await setup();
    const heard = call.listen(ask({ bargeIn: false }));
    await streaming(channel);
    await channel.speak(silence(200, RATE));
    await channel.speak(tone(300, -20, 600, RATE));
    await settle();
    expect(breaks(channel)).toBe(0);
    await clock.advance(2_000); // the prompt ends while the caller talks
    const result = await heard;
    expect(breaks(channel)).toBe(0);
    const reading = framesOf(result);
    await channel.speak(silence(1000, RATE));
    // Everything kept since listening began: 200 ms of silence, 600 ms of talk, then 800 ms of trailing silence.
    expect((await reading).length * 20).toBe(200 + 600 + 800);
  });

  it('a key during the prompt wins over speech; a key while talking ends the utterance and is reported', async () => {
    const { call, channel } = await setup();
    const keyed = call.listen(ask());
    await streaming(channel);
    channel.press('5');
    expect(await keyed).toEqual({ kind: 'digits', digits: '5' });
    await expect.poll(() => channel.audioForkAttached).toBe(false);

    const talking = call.listen(ask());
    await streaming(channel);
    await channel.speak(silence(200, RATE));
    await channel.speak(tone(300, -20, 600, RATE));
    const result = await talking;
    if (result.kind !== 'speech') throw new Error('expected speech');
    expect(result.keysPressed?.()).toBe('');
    const reading = framesOf(result);
    await settle();
    channel.press('6');
    expect((await reading).length).toBeGreaterThan(0);
    expect(result.keysPressed?.()).toBe('6');
    expect(result.keysPressed?.()).toBe('');
  });

  it('a caller who keeps talking is cut off at the longest answer', async () => {
    const { call, channel, clock } = await setup();
    const heard = call.listen(ask({ maxSpeechMs: 3_000 }));
    await streaming(channel);
    await channel.speak(silence(200, RATE));
    await channel.speak(tone(300, -20, 400, RATE));
    const result = await heard;
    const reading = framesOf(result);
    await channel.speak(tone(300, -20, 400, RATE));
    await settle();
    await clock.advance(3_000);
    const frames = await reading;
    expect(frames.length * 20).toBeGreaterThanOrEqual(800);
    await expect.poll(() => channel.audioForkAttached).toBe(false);
  });

  it('the caller hanging up mid-utterance ends it and the stream', async () => {
    const { call, channel, forks } = await setup();
    const controller = new AbortController();
    const heard = call.listen(ask({ signal: controller.signal }));
    await streaming(channel);
    await channel.speak(silence(200, RATE));
    await channel.speak(tone(300, -20, 400, RATE));
    const reading = framesOf(await heard);
    controller.abort();
    expect((await reading).length).toBeGreaterThan(0);
    await expect.poll(() => forks.openConnections).toBe(0);
  });

  it('a media server without mod_audio_fork: the answer is recorded after the prompt instead, and the adapter is told', async () => {
    const { call, channel, clock, unavailable } = await setup();
    channel.audioForkLoaded = false;
    channel.nextRecordings = [{ ms: 5_000, wav: undefined }];
    const heard = call.listen(ask({ prompt: [] }));
    await settle();
    expect(channel.executed.some((e) => e.app === 'record')).toBe(true);
    await clock.advance(5_000);
    expect(await heard).toEqual({ kind: 'noInput' });
    expect(unavailable).toEqual([expect.stringMatching(/^fs1: uuid_audio_fork start: -ERR uuid_audio_fork Command not found!/)]);
  });

  it('a fork whose connection never arrives: after the prompt the answer is recorded instead', async () => {
    const { call, channel, clock, unavailable, forks } = await setup({ urlLifetimeMs: 100 });
    // The media server cannot reach the engine: its connection goes nowhere.
    const realExpect = forks.expect.bind(forks);
    forks.expect = (callId, rate) => ({ ...realExpect(callId, rate), url: 'ws://127.0.0.1:9/audio-fork/unreachable-unreachable-unreach' });
    const heard = call.listen(ask());
    await expect.poll(() => unavailable.length).toBe(1);
    await clock.advance(2_000); // the prompt ends
    await settle();
    expect(channel.executed.some((e) => e.app === 'record')).toBe(true);
    expect(unavailable[0]).toMatch(/did not stream call call-1's audio within 100 ms/);
    await clock.advance(15_000);
    expect(await heard).toEqual({ kind: 'noInput' });
  });

  it('without a stream configured, the answer is recorded after the prompt', async () => {
    const { call, channel, clock } = await setup({ streaming: false });
    channel.nextRecordings = [{ ms: 5_000 }];
    const heard = call.listen(ask({ prompt: [] }));
    await settle();
    await clock.advance(5_000);
    expect(await heard).toEqual({ kind: 'noInput' });
    expect(channel.apiCalls.some((c) => c.startsWith('uuid_audio_fork'))).toBe(false);
  });
});

describe('DrachtioCall.hold that listens (a queue hearing its waiting callers)', () => {
  it('streams the caller’s audio under the music; talking stops the music and the hold ends with what they say, live', async () => {
    const { call, channel } = await setup();
    const over = new AbortController();
    const holding = call.hold({ keys: '1', listen: { maxSpeechMs: 10_000 }, signal: over.signal });
    await streaming(channel);
    expect(channel.executed.at(-1)).toMatchObject({ app: 'playback', arg: 'local_stream://moh' });
    await channel.speak(noise(-58, 600, RATE, 3));
    await settle();
    expect(breaks(channel)).toBe(0);
    await channel.speak(tone(300, -20, 800, RATE));
    const held = await holding;
    expect(breaks(channel)).toBe(1);
    expect(held).toMatchObject({ kind: 'speech', utterance: { kind: 'audio', sampleRateHz: RATE } });
    // The wait's interval ends with the hold: the caller's words go on until they stop.
    over.abort();
    if (held.kind !== 'speech' || held.utterance.kind !== 'audio') throw new Error('expected speech');
    const frames: Uint8Array[] = [];
    const reading = (async () => {
      for await (const frame of (held.utterance as { audio: AsyncIterable<Uint8Array> }).audio) frames.push(frame);
    })();
    await channel.speak(tone(300, -20, 600, RATE));
    await channel.speak(silence(1000, RATE));
    await reading;
    expect(frames.length * 20).toBeGreaterThanOrEqual(800 + 600 + 800);
    await expect.poll(() => channel.audioForkAttached).toBe(false);
  });

  it('a key still ends it, the stream stops with it; a hold that does not listen never streams', async () => {
    const { call, channel } = await setup();
    const holding = call.hold({ keys: '1', listen: { maxSpeechMs: 10_000 }, signal: new AbortController().signal });
    await streaming(channel);
    channel.press('1');
    expect(await holding).toEqual({ kind: 'key', key: '1' });
    await expect.poll(() => channel.audioForkAttached).toBe(false);

    const forks = channel.apiCalls.filter((c) => c.includes('uuid_audio_fork') && c.includes(' start ')).length;
    const deaf = new AbortController();
    const plain = call.hold({ signal: deaf.signal });
    await settle();
    await channel.speak(tone(300, -20, 800, RATE));
    deaf.abort();
    expect(await plain).toEqual({ kind: 'stopped' });
    expect(channel.apiCalls.filter((c) => c.includes('uuid_audio_fork') && c.includes(' start ')).length).toBe(forks);
  });

  it('where the media server cannot stream, the caller just hears the music', async () => {
    const { call, channel } = await setup({ streaming: false });
    const over = new AbortController();
    const holding = call.hold({ listen: { maxSpeechMs: 10_000 }, signal: over.signal });
    await settle();
    over.abort();
    expect(await holding).toEqual({ kind: 'stopped' });
    expect(channel.executed.at(-1)).toMatchObject({ app: 'playback', arg: 'local_stream://moh' });
  });
});
