import { describe, expect, it } from 'vitest';
import { referTarget } from './drachtio-call.js';
import { TelephonyError } from './media-leg.js';
import { setupCall, say, settle } from './testing/call-setup.js';
import { FakeResponse, fakeRequest, type FakeFreeSwitchChannel } from './testing/fakes.js';

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

const setup = setupCall;

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
    expect(sip.invites[0]!.opts.headers).toEqual({ From: '<sip:+447700900123@localhost>' });
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

  it('a caller transferred to an agent stays bridged by the engine, which follows the agent’s REFER: rings the target, bridges it, NOTIFY 200, drops the old leg', async () => {
    const { call, callerChannel, otherChannels, sip, clock, signal } = await setup();
    const transferred = call.transfer({ kind: 'agent', agentId: 'alice' }, { ringTimeoutMs: 20_000, signal });
    await settle();
    await clock.advance(1_000);
    expect(await transferred).toEqual({ kind: 'transferred' });
    await settle();
    const first = sip.uacDialogs[0]!;
    const refer = new FakeResponse();
    first.emit('refer', fakeRequest({ method: 'REFER', headers: { 'Refer-To': '<sip:carol@10.0.0.9:5060?Replaces=abc>' } }), refer);
    expect(refer.sent).toEqual([202]);
    await settle();
    await clock.advance(1_000);
    await settle();
    expect(sip.invites[1]!.uri).toBe('sip:carol@10.0.0.9:5060');
    const carolChannel = otherChannels().at(-1)!;
    expect(callerChannel.apiCalls).toContain(`uuid_bridge ${callerChannel.uuid} ${carolChannel.uuid}`);
    expect(first.requests).toEqual([
      expect.objectContaining({ method: 'NOTIFY', body: 'SIP/2.0 200 OK', headers: expect.objectContaining({ Event: 'refer' }) }),
    ]);
    expect(first.destroyed).toBe(true);
    expect(sip.uasDialogs[0]!.destroyed).toBe(false);
    sip.uacDialogs[1]!.remoteHangup();
    await settle();
    expect(sip.uasDialogs[0]!.destroyed).toBe(true);
    expect(callerChannel.released && carolChannel.released).toBe(true);
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

  /** An answered call, the payment line ringing and answered, the token keyed on our consult leg. */
  async function handedOff(mode: 'bridge' | 'refer', settings: { recordCalls?: boolean } = {}) {
    const ctx = await setup({}, settings);
    const played = ctx.call.play([], { bargeIn: false, signal: ctx.signal });
    await settle();
    await played;
    const callerDialog = ctx.sip.uasDialogs[0]!;
    const pending = ctx.call.handOff({ kind: 'sip', uri: 'sip:callsecure@pay360.example' }, { digitsToSend: '738192#', mode, ringTimeoutMs: 20_000, signal: ctx.signal });
    pending.catch(() => undefined);
    await settle();
    await ctx.clock.advance(1_000); // the payment line answers
    await settle();
    const payLine = ctx.sip.uacDialogs[0]!;
    const consult = ctx.servers.flatMap((s) => s.channels).find((c) => c !== ctx.callerChannel)!;
    return { ...ctx, callerDialog, payLine, consult, pending };
  }

  it('hands off a payment: the token is keyed from a consult leg, then the caller’s media goes straight to the payment line', async () => {
    const { callerDialog, payLine, consult, callerChannel, clock, pending, servers, call, signal, logger, sip } = await handedOff('bridge');
    // The consult INVITE offers nothing: FreeSWITCH answers the payment line's offer (plain RTP, whatever it would have offered itself).
    expect(sip.invites[0]!.opts).toMatchObject({ noAck: true });
    expect(sip.invites[0]!.opts.localSdp).toBeUndefined();
    expect(consult.remote.sdp).toBe(payLine.remote.sdp);
    expect(payLine.local.sdp).toBe(consult.local.sdp);
    expect(consult.executed).toContainEqual({ app: 'send_dtmf', arg: '738192#@100' });
    expect(callerChannel.executed.some((e) => e.app === 'send_dtmf')).toBe(false);
    expect(callerDialog.offerless).toEqual([]); // the token is still being keyed
    await clock.advance(7 * 250);
    await settle();
    // RFC 3725: the caller offers, the payment line answers, the answer goes in the caller's ACK.
    expect(callerDialog.offerless).toEqual([{ offer: callerDialog.remote.sdp, ackedWith: payLine.remote.sdp }]);
    expect(payLine.modifiedWith).toEqual([callerDialog.remote.sdp]);
    expect(callerDialog.local.sdp).toBe(payLine.remote.sdp);
    // Neither of our FreeSWITCH channels carries the payment: both are gone, nothing was bridged through them.
    expect(callerChannel.released && consult.released).toBe(true);
    expect([...callerChannel.apiCalls, ...consult.apiCalls].some((c) => c.startsWith('uuid_bridge'))).toBe(false);

    // The payment line hangs up: the caller is put back on a new FreeSWITCH channel, answering their offer.
    payLine.remoteHangup();
    expect(await pending).toEqual({ kind: 'returned' });
    const back = servers.flatMap((s) => s.channels).find((c) => c !== callerChannel && c !== consult)!;
    expect(back.remote.sdp).toBe(callerDialog.offerless[1]!.offer);
    expect(callerDialog.offerless[1]!.ackedWith).toBe(back.local.sdp);
    expect(callerDialog.local.sdp).toBe(back.local.sdp);
    const receipt = call.play(say('Thank you, your payment was taken.'), { bargeIn: false, signal });
    await settle();
    await clock.advance(2_000);
    expect(await receipt).toEqual({ kind: 'played' });
    expect(back.played).toEqual(['say:Thank you, your payment was taken.']);
    expect(back.variables).toMatchObject({ tts_engine: 'flite', playback_terminators: 'none' });
    expect(logger.lines.join('\n')).not.toContain('738192');
  });

  it('a caller hanging up on the payment line ends the payment line’s call too', async () => {
    const { callerDialog, payLine, clock, pending } = await handedOff('bridge');
    await clock.advance(7 * 250);
    await settle();
    callerDialog.remoteHangup();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(payLine.destroyed).toBe(true);
  });

  it('fails the hand-off, and keeps the caller on FreeSWITCH, when the payment line will not take the caller’s media', async () => {
    const { callerDialog, payLine, callerChannel, consult, clock, pending, call, signal } = await handedOff('bridge');
    payLine.answerReinvite = () => ({ status: 488 });
    await clock.advance(7 * 250);
    expect(await pending).toMatchObject({ kind: 'failed', reason: expect.stringContaining('refused the caller') });
    expect(callerDialog.offerless[0]!.ackedWith).toBe(callerChannel.local.sdp);
    expect(payLine.destroyed && consult.released).toBe(true);
    expect(callerChannel.released).toBe(false);
    const sorry = call.play(say('Sorry.'), { bargeIn: false, signal });
    await settle();
    await clock.advance(2_000);
    expect(await sorry).toEqual({ kind: 'played' });
  });

  it('refer mode: an attended transfer (REFER with Replaces) hands the caller to the payment line and leaves the call', async () => {
    const { callerDialog, payLine, consult, callerChannel, clock, pending } = await handedOff('refer');
    await clock.advance(7 * 250);
    await settle();
    const refer = callerDialog.requests.find((r) => r.method === 'REFER')!;
    const { callId, localTag, remoteTag } = payLine.sip;
    expect(refer.headers?.['Refer-To']).toBe(`<sip:callsecure@pay360.example?Replaces=${encodeURIComponent(`${callId};to-tag=${remoteTag};from-tag=${localTag}`)}>`);
    callerDialog.notify('SIP/2.0 200 OK\r\n');
    expect(await pending).toEqual({ kind: 'transferred' });
    expect(callerDialog.destroyed && callerChannel.released && consult.released).toBe(true);
    expect(callerDialog.offerless).toEqual([]);
  });

  it('refer mode with a trunk that refuses REFER: the media goes direct for good, and the caller is hung up when the payment line is done', async () => {
    const { callerDialog, payLine, clock, pending } = await handedOff('refer');
    callerDialog.answerRequest = (method) => (method === 'REFER' ? 405 : 200);
    await clock.advance(7 * 250);
    expect(await pending).toEqual({ kind: 'transferred' });
    expect(callerDialog.offerless[0]!.ackedWith).toBe(payLine.remote.sdp);
    expect(callerDialog.destroyed).toBe(false);
    payLine.remoteHangup();
    await settle();
    expect(callerDialog.destroyed).toBe(true);
  });

  it('records the rest of the call in a new file once the caller is back from the payment line', async () => {
    const { payLine, clock, pending, servers, callerChannel, consult } = await handedOff('bridge', { recordCalls: true });
    await clock.advance(7 * 250);
    await settle();
    payLine.remoteHangup();
    await pending;
    const back = servers.flatMap((s) => s.channels).find((c) => c !== callerChannel && c !== consult)!;
    expect(back.apiCalls).toEqual([`uuid_record ${back.uuid} start /recordings/call-1-call-1.wav`]);
  });

  it('masks and unmasks the call recording for payments', async () => {
    const { call, callerChannel, clock, signal } = await setup({}, { recordCalls: true });
    const played = call.play([], { bargeIn: false, signal });
    await settle();
    await played;
    await call.setRecordingPaused(true);
    await call.setRecordingPaused(false);
    const path = '/recordings/call-1-call.wav';
    expect(callerChannel.apiCalls).toEqual([
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
