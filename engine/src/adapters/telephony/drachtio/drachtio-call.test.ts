import { describe, expect, it } from 'vitest';
import type { PromptSegment } from '../../../ports/call-channel.js';
import { SimulatedClock } from '../simulator/simulated-clock.js';
import { parseTelephonyConfig, type TelephonyConfigInput } from './config.js';
import { DrachtioCall, referTarget } from './drachtio-call.js';
import { TelephonyError } from './media-leg.js';
import { MediaServerPool } from './media-pool.js';
import { createOutboundRouter } from './outbound-routing.js';
import { captureLogger, FakeMediaServer, FakeResponse, FakeSipAgent, fakeRequest, type FakeFreeSwitchChannel } from './testing/fakes.js';

const say = (text: string): PromptSegment[] => [{ language: 'en-GB', text }];

/** Let every pending promise callback and immediate run (no time passes). */
const settle = async () => {
  for (let i = 0; i < 30; i += 1) await new Promise((resolve) => setImmediate(resolve));
};

function wav(samples: number[], rate = 16_000): Uint8Array {
  const data = new Int16Array(samples);
  const bytes = new Uint8Array(44 + data.byteLength);
  const view = new DataView(bytes.buffer);
  bytes.set(new TextEncoder().encode('RIFF'), 0);
  view.setUint32(4, 36 + data.byteLength, true);
  bytes.set(new TextEncoder().encode('WAVEfmt '), 8);
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true);
  view.setUint16(22, 1, true);
  view.setUint32(24, rate, true);
  view.setUint32(28, rate * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  bytes.set(new TextEncoder().encode('data'), 36);
  view.setUint32(40, data.byteLength, true);
  bytes.set(new Uint8Array(data.buffer), 44);
  return bytes;
}

async function setup(extra: Partial<TelephonyConfigInput> = {}, settings: { recordCalls?: boolean; speechFor?: (text: string, language: string) => string } = {}) {
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
  const call = new DrachtioCall({
    callId: 'call-1',
    from: '+447700900123',
    to: '+441234500000',
    request,
    response,
    media,
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
  });
  const callerChannel = servers[0]!.channels[0]!;
  const signal = new AbortController().signal;
  return { clock, logger, servers, sip, request, response, call, callerChannel, signal, pool };
}

const collect = { minDigits: 1, maxDigits: 4, terminators: '#', firstDigitTimeoutMs: 5_000, interDigitTimeoutMs: 3_000 };

describe('DrachtioCall', () => {
  it('answers with the FreeSWITCH SDP and speaks a prompt with mod_flite, on a no-delay event socket', async () => {
    const { call, callerChannel, response, clock, signal } = await setup();
    const played = call.play(say('Welcome to the  council.'), { bargeIn: false, signal });
    await settle();
    await clock.advance(2_000);
    expect(await played).toEqual({ kind: 'played' });
    expect(response.sent).toEqual([200]);
    expect(callerChannel.variables).toMatchObject({ tts_engine: 'flite', tts_voice: 'slt', playback_terminators: 'none' });
    expect(callerChannel.played).toEqual(['say:Welcome to the council.']);
    expect(callerChannel.conn).not.toBeNull();
    expect(callerChannel.conn?.socket.noDelay).toBe(true);
  });

  it('plays recorded audio from the prompt library, fetching URLs through http_cache', async () => {
    const { call, callerChannel, clock, signal } = await setup();
    const played = call.play(
      [
        { language: 'en-GB', text: 'Welcome', audio: '/prompts/en-GB/welcome.wav' },
        { language: 'en-GB', text: 'Menu', audio: 'https://frontdoor.example/api/prompts/menu/audio/en-GB' },
      ],
      { bargeIn: false, signal },
    );
    await settle();
    await clock.advance(2_000);
    await clock.advance(2_000);
    await played;
    expect(callerChannel.played).toEqual(['/prompts/en-GB/welcome.wav', 'http_cache://https://frontdoor.example/api/prompts/menu/audio/en-GB']);
  });

  it('speaks text in a language mod_flite cannot (Welsh) from the audio the engine renders; English stays with flite', async () => {
    const speechFor = (text: string, language: string) => `http://engine.example/media/tts/${language}.wav?text=${encodeURIComponent(text)}`;
    const { call, callerChannel, clock, signal } = await setup({}, { speechFor });
    const played = call.play(
      [
        { language: 'cy-GB', text: 'Croeso i’r  cyngor.' },
        { language: 'en-GB', text: 'Welcome.' },
      ],
      { bargeIn: false, signal },
    );
    await settle();
    await clock.advance(2_000);
    await clock.advance(2_000);
    await played;
    expect(callerChannel.played).toEqual([`http_cache://http://engine.example/media/tts/cy-GB.wav?text=${encodeURIComponent('Croeso i’r cyngor.')}`, 'say:Welcome.']);
  });

  it('holds the caller on the media server’s music until one of the keys; other keys are dropped', async () => {
    const { call, callerChannel, signal } = await setup();
    const holding = call.hold({ keys: '12', signal });
    await settle();
    expect(callerChannel.played).toEqual(['local_stream://moh']);
    callerChannel.press('7');
    await settle();
    callerChannel.press('2');
    expect(await holding).toEqual({ kind: 'key', key: '2' });
    const over = new AbortController();
    const music = call.hold({ music: 'https://frontdoor.example/hold.wav', signal: over.signal });
    await settle();
    over.abort();
    expect(await music).toEqual({ kind: 'stopped' });
    expect(callerChannel.played.at(-1)).toBe('http_cache://https://frontdoor.example/hold.wav');
  });

  it('collects digits with barge-in: the first key stops the prompt, the terminator ends entry', async () => {
    const { call, callerChannel, clock, signal } = await setup();
    const result = call.collectDigits({ ...collect, prompt: say('Enter your account number then hash'), bargeIn: true, signal });
    await settle();
    await clock.advance(500);
    callerChannel.press('1');
    await settle();
    expect(callerChannel.apiCalls).toContain(`uuid_break ${callerChannel.uuid} all`);
    callerChannel.press('2#');
    expect(await result).toEqual({ kind: 'digits', digits: '12', terminator: '#' });
  });

  it('keeps a key pressed before the prompt ends (type-ahead) for the next collect', async () => {
    const { call, callerChannel, clock, signal } = await setup();
    const first = call.play(say('Thank you.'), { bargeIn: false, signal });
    await settle();
    callerChannel.press('3');
    await clock.advance(2_000);
    expect(await first).toEqual({ kind: 'played' });
    const menu = call.collectDigits({ ...collect, maxDigits: 1, prompt: say('Press 3 for bins.'), bargeIn: true, signal });
    expect(await menu).toEqual({ kind: 'digits', digits: '3' });
    expect(callerChannel.played).toEqual(['say:Thank you.']);
  });

  it('reports no input after the first-digit timeout, and stops at maxDigits', async () => {
    const { call, callerChannel, clock, signal } = await setup();
    const none = call.collectDigits({ ...collect, prompt: [], bargeIn: true, signal });
    await settle();
    await clock.advance(5_000);
    expect(await none).toEqual({ kind: 'noInput' });
    const four = call.collectDigits({ ...collect, prompt: [], bargeIn: true, signal });
    await settle();
    callerChannel.press('98765');
    expect(await four).toEqual({ kind: 'digits', digits: '9876' });
  });

  it('never logs digits collected as sensitive', async () => {
    const { call, callerChannel, logger, signal } = await setup();
    const card = call.collectDigits({ ...collect, maxDigits: 16, prompt: [], bargeIn: true, sensitive: true, signal });
    await settle();
    callerChannel.press('4444333322221111');
    expect(await card).toEqual({ kind: 'digits', digits: '4444333322221111' });
    expect(logger.lines.join('\n')).not.toMatch(/4444|1111/);
  });

  it('a caller hanging up during a prompt aborts it and releases the FreeSWITCH channel', async () => {
    const { call, callerChannel, sip, clock, signal } = await setup();
    let hangups = 0;
    call.onHangup(() => (hangups += 1));
    const played = call.play(say('Please listen carefully as our options have changed.'), { bargeIn: false, signal });
    await settle();
    await clock.advance(700);
    sip.uasDialogs[0]!.remoteHangup();
    await expect(played).rejects.toMatchObject({ name: 'AbortError' });
    await settle();
    expect(call.hungUp).toBe(true);
    expect(hangups).toBe(1);
    expect(callerChannel.released).toBe(true);
  });

  it('a caller hanging up while keys are awaited aborts the collect', async () => {
    const { call, callerChannel, sip, signal } = await setup();
    const pending = call.collectDigits({ ...collect, prompt: [], bargeIn: true, signal });
    await settle();
    sip.uasDialogs[0]!.remoteHangup();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(callerChannel.released).toBe(true);
    await expect(call.play(say('Anything'), { bargeIn: false, signal })).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('bridges to a registered agent, filtering DTMF, until the agent hangs up', async () => {
    const { call, callerChannel, servers, sip, clock, signal } = await setup();
    const bridged = call.bridge({ kind: 'agent', agentId: 'alice' }, { ringTimeoutMs: 20_000, filterDtmf: true, signal });
    await settle();
    await clock.advance(1_000);
    await settle();
    expect(sip.invites[0]!.uri).toBe('sip:alice@10.0.0.5:5062');
    const agentChannel = servers.flatMap((s) => s.channels).find((c) => c !== callerChannel)!;
    expect(sip.invites[0]!.opts.localSdp).toBe(agentChannel.local.sdp);
    expect(callerChannel.apiCalls).toContain(`uuid_bridge ${callerChannel.uuid} ${agentChannel.uuid}`);
    expect(callerChannel.variables.bridge_filter_dtmf).toBe('true');
    await clock.advance(60_000);
    sip.uacDialogs[0]!.remoteHangup();
    expect(await bridged).toEqual({ kind: 'completed', talkMs: 60_000 });
    expect(agentChannel.released).toBe(true);
    expect(callerChannel.released).toBe(false);
    expect(callerChannel.variables.bridge_filter_dtmf).toBe('false');
  });

  it('a caller hanging up during a bridge sends BYE to the agent and frees both channels', async () => {
    const { call, callerChannel, servers, sip, clock, signal } = await setup();
    const bridged = call.bridge({ kind: 'agent', agentId: 'alice' }, { ringTimeoutMs: 20_000, signal });
    await settle();
    await clock.advance(1_000);
    await settle();
    sip.uasDialogs[0]!.remoteHangup();
    await expect(bridged).rejects.toMatchObject({ name: 'AbortError' });
    await settle();
    expect(sip.uacDialogs[0]!.destroyed).toBe(true);
    expect(servers.flatMap((s) => s.channels).every((c: FakeFreeSwitchChannel) => c.released)).toBe(true);
    expect(callerChannel.released).toBe(true);
  });

  it('follows a REFER from the bridged party: rings the new target, bridges it, reports 200 by NOTIFY, drops the old leg', async () => {
    const { call, callerChannel, servers, sip, clock, signal } = await setup();
    const bridged = call.bridge({ kind: 'agent', agentId: 'alice' }, { ringTimeoutMs: 20_000, signal });
    await settle();
    await clock.advance(1_000);
    await settle();
    const first = sip.uacDialogs[0]!;
    const refer = new FakeResponse();
    first.emit('refer', fakeRequest({ method: 'REFER', headers: { 'Refer-To': '<sip:carol@10.0.0.9:5060?Replaces=abc>' } }), refer);
    expect(refer.sent).toEqual([202]);
    await settle();
    await clock.advance(1_000);
    await settle();
    expect(sip.invites[1]!.uri).toBe('sip:carol@10.0.0.9:5060');
    const carolChannel = servers.flatMap((s) => s.channels).at(-1)!;
    expect(callerChannel.apiCalls).toContain(`uuid_bridge ${callerChannel.uuid} ${carolChannel.uuid}`);
    expect(first.requests).toEqual([
      expect.objectContaining({ method: 'NOTIFY', body: 'SIP/2.0 200 OK', headers: expect.objectContaining({ Event: 'refer' }) }),
    ]);
    expect(first.destroyed).toBe(true);
    await clock.advance(30_000);
    sip.uacDialogs[1]!.remoteHangup();
    expect(await bridged).toEqual({ kind: 'completed', talkMs: 31_000 });
  });

  it('reads the target of a REFER: Teams numbers via the Microsoft hubs, anything else as a SIP URI', () => {
    expect(referTarget('<sip:+441234567891@sip.pstnhub.microsoft.com;user=phone>')).toEqual({ kind: 'teams', e164: '+441234567891' });
    expect(referTarget('<sip:carol@10.0.0.9?Replaces=x>')).toEqual({ kind: 'sip', uri: 'sip:carol@10.0.0.9' });
    expect(referTarget('<tel:+441234>')).toBeUndefined();
    expect(referTarget(undefined)).toBeUndefined();
  });

  it('reports an agent leg that is busy, and one that does not answer before the ring timeout (CANCEL sent)', async () => {
    const { call, sip, clock, signal } = await setup();
    sip.script = () => ({ rejectAfterMs: 500, status: 486 });
    const busy = call.bridge({ kind: 'agent', agentId: 'alice' }, { ringTimeoutMs: 20_000, signal });
    await settle();
    await clock.advance(500);
    expect(await busy).toEqual({ kind: 'busy' });

    sip.script = () => 'ring';
    const unanswered = call.bridge({ kind: 'number', e164: '01234 567890' }, { ringTimeoutMs: 15_000, signal });
    await settle();
    await clock.advance(15_000);
    expect(await unanswered).toEqual({ kind: 'noAnswer' });
    expect(sip.invites[1]).toMatchObject({ uri: 'sip:+441234567890@sip.carrier.example:5060;transport=udp', cancelled: true });
  });

  it('fails cleanly for an agent with no registered phone', async () => {
    const { call, signal } = await setup();
    expect(await call.bridge({ kind: 'agent', agentId: 'bob' }, { ringTimeoutMs: 1_000, signal })).toEqual({
      kind: 'failed',
      reason: 'agent bob has no registered phone',
    });
  });

  it('a media server dying mid-prompt is an infrastructure error; the next prompt moves the caller to another server', async () => {
    const { call, callerChannel, servers, sip, clock, signal } = await setup();
    const played = call.play(say('Welcome'), { bargeIn: false, signal });
    await settle();
    servers[0]!.lose();
    await expect(played).rejects.toBeInstanceOf(TelephonyError);
    await expect(played).rejects.toMatchObject({ code: 'mediaServerLost' });
    const again = call.play(say('Sorry about that.'), { bargeIn: false, signal });
    await settle();
    await clock.advance(2_000);
    expect(await again).toEqual({ kind: 'played' });
    const replacement = servers[1]!.channels[0]!;
    expect(replacement.remote.sdp).toBe(fakeRequest().body);
    expect(sip.uasDialogs[0]!.modifiedWith).toEqual([replacement.local.sdp]);
    expect(replacement.played).toEqual(['say:Sorry about that.']);
    expect(callerChannel.played).toEqual(['say:Welcome']);
  });

  it('records a voicemail after a beep, stopping on silence', async () => {
    const { call, callerChannel, clock, signal } = await setup();
    callerChannel.playbackMs = (file) => (file.startsWith('tone_stream') ? 500 : 1_000);
    callerChannel.nextRecordings = [{ ms: 12_000 }];
    const recorded = call.record({ prompt: say('Leave a message after the tone.'), beep: true, maxDurationMs: 120_000, silenceTimeoutMs: 3_000, terminators: '#', signal });
    await settle();
    await clock.advance(1_000);
    await clock.advance(500);
    await clock.advance(12_000);
    expect(await recorded).toEqual({ kind: 'recorded', recordingId: 'call-1-voicemail-1.wav', durationMs: 12_000 });
    expect(callerChannel.executed.find((e) => e.app === 'record')?.arg).toBe('/recordings/call-1-voicemail-1.wav 120 200 3');
  });

  it('listens: captured speech is streamed as 16 kHz L16 frames; silence is no input; a key falls back to digits', async () => {
    const { call, callerChannel, clock, signal } = await setup();
    const speech = Array.from({ length: 16_000 }, (_, i) => Math.round(8_000 * Math.sin(i / 5)));
    callerChannel.nextRecordings = [{ ms: 1_500, wav: wav(speech) }];
    const heard = call.listen({ prompt: [], bargeIn: true, language: 'en-GB', noInputTimeoutMs: 5_000, maxSpeechMs: 10_000, allowDigits: true, maxDigits: 1, signal });
    await settle();
    await clock.advance(1_500);
    const result = await heard;
    expect(result.kind).toBe('speech');
    if (result.kind !== 'speech' || result.utterance.kind !== 'audio') throw new Error('expected audio');
    expect(result.utterance.sampleRateHz).toBe(16_000);
    let bytes = 0;
    for await (const frame of result.utterance.audio) bytes += frame.byteLength;
    expect(bytes).toBe(32_000);
    expect(callerChannel.variables.record_sample_rate).toBe('16000');

    callerChannel.nextRecordings = [{ ms: 5_000, wav: wav(new Array(8_000).fill(3)) }];
    const silent = call.listen({ prompt: [], bargeIn: true, language: 'en-GB', noInputTimeoutMs: 5_000, maxSpeechMs: 10_000, allowDigits: false, maxDigits: 1, signal });
    await settle();
    await clock.advance(5_000);
    expect(await silent).toEqual({ kind: 'noInput' });

    callerChannel.nextRecordings = [{ ms: 10_000 }];
    const keyed = call.listen({ prompt: [], bargeIn: true, language: 'en-GB', noInputTimeoutMs: 5_000, maxSpeechMs: 10_000, allowDigits: true, maxDigits: 1, signal });
    await settle();
    callerChannel.press('2');
    expect(await keyed).toEqual({ kind: 'digits', digits: '2' });
  });

  it('transfers a caller to a number by REFER and leaves the call when the far end answers', async () => {
    const { call, sip, callerChannel, clock, signal } = await setup();
    const transferred = call.transfer({ kind: 'number', e164: '+441234999999' }, { ringTimeoutMs: 30_000, signal });
    await settle();
    const dialog = sip.uasDialogs[0]!;
    expect(dialog.requests[0]).toMatchObject({ method: 'REFER', headers: { 'Refer-To': '<sip:+441234999999@sip.carrier.example:5060;transport=udp>' } });
    expect(dialog.notify('SIP/2.0 100 Trying\r\n').sent).toEqual([200]);
    dialog.notify('SIP/2.0 200 OK\r\n');
    expect(await transferred).toEqual({ kind: 'transferred' });
    expect(dialog.destroyed).toBe(true);
    expect(callerChannel.released).toBe(true);
    await clock.advance(30_000);
  });

  it('falls back to bridging when the trunk refuses REFER; hangup() then leaves the transferred caller alone', async () => {
    const { call, sip, servers, callerChannel, clock, signal } = await setup();
    const played = call.play([], { bargeIn: false, signal });
    await settle();
    await played;
    const callerDialog = sip.uasDialogs[0]!;
    callerDialog.answerRequest = (method) => (method === 'REFER' ? 405 : 200);
    const transferred = call.transfer({ kind: 'number', e164: '+441234999999' }, { ringTimeoutMs: 30_000, signal });
    await settle();
    await clock.advance(1_000);
    expect(await transferred).toEqual({ kind: 'transferred' });
    await settle();
    expect(callerDialog.requests.map((r) => r.method)).toEqual(['REFER']);
    const farChannel = servers.flatMap((s) => s.channels).find((c) => c !== callerChannel)!;
    expect(callerChannel.apiCalls).toContain(`uuid_bridge ${callerChannel.uuid} ${farChannel.uuid}`);
    await call.hangup();
    expect(callerDialog.destroyed).toBe(false);
    sip.uacDialogs[0]!.remoteHangup();
    await settle();
    expect(callerDialog.destroyed).toBe(true);
    expect(farChannel.released && callerChannel.released).toBe(true);
  });

  it('hands off a payment: consult call, token sent as DTMF to the far end only, then the caller is bridged with DTMF filtered', async () => {
    const { call, sip, servers, callerChannel, clock, signal } = await setup();
    const handOff = call.handOff({ kind: 'number', e164: '+448000000000' }, { digitsToSend: '738192', mode: 'bridge', ringTimeoutMs: 20_000, signal });
    await settle();
    await clock.advance(1_000);
    await settle();
    const pay360Channel = servers.flatMap((s) => s.channels).find((c) => c !== callerChannel)!;
    expect(pay360Channel.executed).toContainEqual({ app: 'send_dtmf', arg: '738192@100' });
    expect(callerChannel.executed.some((e) => e.app === 'send_dtmf')).toBe(false);
    expect(callerChannel.variables.bridge_filter_dtmf).toBe('true');
    sip.uacDialogs[0]!.remoteHangup();
    expect(await handOff).toEqual({ kind: 'returned' });
    expect(callerChannel.variables.bridge_filter_dtmf).toBe('false');
    expect(pay360Channel.released).toBe(true);
  });

  it('masks and unmasks the call recording for payments', async () => {
    const { call, callerChannel, clock, signal } = await setup({}, { recordCalls: true });
    const played = call.play([], { bargeIn: false, signal });
    await settle();
    await played;
    await call.setRecordingPaused(true);
    await call.setRecordingPaused(false);
    const path = '/recordings/call-1-call.wav';
    expect(callerChannel.apiCalls.filter((c) => c.startsWith('uuid_record'))).toEqual([
      `uuid_record ${callerChannel.uuid} start ${path}`,
      `uuid_record ${callerChannel.uuid} mask ${path}`,
      `uuid_record ${callerChannel.uuid} unmask ${path}`,
    ]);
    await clock.advance(0);
  });

  it('a CANCEL arriving while the call is being answered ends it as a hang-up, not a fault', async () => {
    const { call, sip, request, callerChannel, signal } = await setup();
    let release!: () => void;
    sip.uasHold = new Promise((resolve) => (release = resolve));
    const played = call.play(say('Hello'), { bargeIn: false, signal });
    await settle();
    request.cancelByCaller();
    release();
    await expect(played).rejects.toMatchObject({ name: 'AbortError' });
    expect(sip.uasDialogs).toHaveLength(0);
    expect(callerChannel.released).toBe(true);
  });

  it('CANCEL before answer: the caller is gone and nothing is answered', async () => {
    const { call, request, response, callerChannel, signal } = await setup();
    request.cancelByCaller();
    await settle();
    expect(call.hungUp).toBe(true);
    expect(callerChannel.released).toBe(true);
    await expect(call.play(say('Hello'), { bargeIn: false, signal })).rejects.toMatchObject({ name: 'AbortError' });
    expect(response.sent).toEqual([]);
  });
});
