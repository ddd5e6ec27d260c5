import { describe, expect, it } from 'vitest';
import { setupCall, say, settle } from './testing/call-setup.js';
import { FakeResponse, fakeRequest } from './testing/fakes.js';

/** DrachtioCall.bridge as the ACD uses it: what the caller hears while the agent rings, whisper, recording, the agent's REFER. */

const RINGING = 'tone_stream://%(400,200,400,450);%(400,2000,400,450);loops=-1';
const alice = { kind: 'agent', agentId: 'alice' } as const;

/** Bridge to alice, who answers after 1 s; returns once she has answered. */
async function answeredBridge(options: Partial<Parameters<Awaited<ReturnType<typeof setupCall>>['call']['bridge']>[1]> = {}, settings = {}) {
  const t = await setupCall({}, settings);
  const bridged = t.call.bridge(alice, { ringTimeoutMs: 20_000, signal: t.signal, ...options });
  await settle();
  await t.clock.advance(1_000);
  await settle();
  return { ...t, bridged, agentChannel: t.otherChannels()[0]!, agentDialog: t.sip.uacDialogs[0]! };
}

describe('DrachtioCall.bridge', () => {
  it('rings the agent while the caller hears a ringing tone; once answered: onAnswer, the whisper to the agent alone, then the two are connected', async () => {
    const { call, callerChannel, otherChannels, sip, clock, signal } = await setupCall();
    const told: string[] = [];
    const bridged = call.bridge(alice, {
      ringTimeoutMs: 20_000,
      whisper: say('Highways queue.'),
      onAnswer: () => told.push(`answered, ${otherChannels()[0]!.played.length} whispers played`),
      signal,
    });
    await settle();
    expect(callerChannel.played).toEqual([RINGING]);
    expect(told).toEqual([]);
    await clock.advance(1_000);
    await settle();
    const agentChannel = otherChannels()[0]!;
    expect(told).toEqual(['answered, 0 whispers played']);
    expect(agentChannel.played).toEqual(['say:Highways queue.']);
    expect(agentChannel.variables).toMatchObject({ tts_engine: 'flite', tts_voice: 'slt' });
    // Not connected during the whisper: the caller still hears ringing, never the whisper.
    expect(callerChannel.apiCalls).toEqual([]);
    await clock.advance(2_000);
    await settle();
    expect(callerChannel.played.every((file) => file === RINGING)).toBe(true);
    expect(callerChannel.apiCalls).toEqual([`uuid_break ${callerChannel.uuid} all`, `uuid_bridge ${callerChannel.uuid} ${agentChannel.uuid}`]);
    await clock.advance(30_000);
    sip.uacDialogs[0]!.remoteHangup();
    expect(await bridged).toEqual({ kind: 'completed', talkMs: 30_000 });
    expect(told).toHaveLength(1);
  });

  it('a queued caller keeps the queue’s music while the agent rings', async () => {
    const { callerChannel, agentDialog, bridged } = await answeredBridge({ waitMusic: 'local_stream://moh' });
    expect(callerChannel.played).toEqual(['local_stream://moh']);
    agentDialog.remoteHangup();
    expect(await bridged).toMatchObject({ kind: 'completed' });
  });

  it('an agent hanging up during the whisper is a failed offer: nothing is connected and the caller stays', async () => {
    const { callerChannel, agentChannel, agentDialog, bridged, clock } = await answeredBridge({ whisper: say('Highways queue.') });
    await clock.advance(500);
    agentDialog.remoteHangup();
    expect(await bridged).toEqual({ kind: 'failed', reason: 'the far end hung up during the whisper' });
    expect(agentChannel.released).toBe(true);
    expect(callerChannel.released).toBe(false);
    expect(callerChannel.apiCalls.some((c) => c.startsWith('uuid_bridge'))).toBe(false);
  });

  it('a caller hanging up during the whisper hangs the agent up (BYE) and frees every channel', async () => {
    const { sip, callerChannel, agentChannel, agentDialog, bridged, clock } = await answeredBridge({ whisper: say('Highways queue.') });
    await clock.advance(500);
    sip.uasDialogs[0]!.remoteHangup();
    await expect(bridged).rejects.toMatchObject({ name: 'AbortError' });
    await settle();
    expect(agentDialog.destroyed).toBe(true);
    expect(agentChannel.released && callerChannel.released).toBe(true);
  });

  it('records the conversation from the moment the two are connected; a pause masks it; it stops when the agent leaves', async () => {
    const { call, callerChannel, agentChannel, agentDialog, bridged, clock } = await answeredBridge({ record: true });
    const path = '/recordings/call-1-bridge-1.wav';
    expect(callerChannel.apiCalls).toEqual([
      `uuid_break ${callerChannel.uuid} all`,
      `uuid_record ${callerChannel.uuid} start ${path}`,
      `uuid_bridge ${callerChannel.uuid} ${agentChannel.uuid}`,
    ]);
    await clock.advance(20_000);
    await call.setRecordingPaused(true);
    await clock.advance(5_000);
    await call.setRecordingPaused(false);
    await clock.advance(20_000);
    agentDialog.remoteHangup();
    expect(await bridged).toEqual({ kind: 'completed', talkMs: 45_000, recordingId: 'call-1-bridge-1.wav' });
    expect(callerChannel.apiCalls.slice(3)).toEqual([
      `uuid_record ${callerChannel.uuid} mask ${path}`,
      `uuid_record ${callerChannel.uuid} unmask ${path}`,
      `uuid_record ${callerChannel.uuid} stop ${path}`,
    ]);
  });

  it('a conversation that starts while recording is paused (a payment under way) is recorded masked from its first moment', async () => {
    const t = await setupCall({}, { recordCalls: true });
    await t.call.play([], { bargeIn: false, signal: t.signal });
    await t.call.setRecordingPaused(true);
    const bridged = t.call.bridge(alice, { ringTimeoutMs: 20_000, record: true, signal: t.signal });
    await settle();
    await t.clock.advance(1_000);
    await settle();
    const uuid = t.callerChannel.uuid;
    expect(t.callerChannel.apiCalls.filter((c) => c.startsWith('uuid_record'))).toEqual([
      `uuid_record ${uuid} start /recordings/call-1-call.wav`,
      `uuid_record ${uuid} mask /recordings/call-1-call.wav`,
      `uuid_record ${uuid} start /recordings/call-1-bridge-1.wav`,
      `uuid_record ${uuid} mask /recordings/call-1-bridge-1.wav`,
    ]);
    t.sip.uacDialogs[0]!.remoteHangup();
    await bridged;
  });

  it('the agent’s phone transferring the caller (REFER): 202, NOTIFY 200, the agent is released and the caller returns to the flow', async () => {
    const { call, sip, callerChannel, agentChannel, agentDialog, bridged, clock, signal } = await answeredBridge();
    await clock.advance(45_000);
    const refer = new FakeResponse();
    agentDialog.emit('refer', fakeRequest({ method: 'REFER', headers: { 'Refer-To': '<sip:+441234567000@pbx.council.example;user=phone>' } }), refer);
    expect(refer.sent).toEqual([202]);
    expect(await bridged).toEqual({ kind: 'referred', target: 'sip:+441234567000@pbx.council.example;user=phone', talkMs: 45_000 });
    expect(agentDialog.requests).toEqual([
      {
        method: 'NOTIFY',
        headers: { Event: 'refer', 'Subscription-State': 'terminated;reason=noresource', 'Content-Type': 'message/sipfrag;version=2.0' },
        body: 'SIP/2.0 200 OK',
      },
    ]);
    expect(agentDialog.destroyed && agentChannel.released).toBe(true);
    expect(sip.invites).toHaveLength(1); // the engine rang nobody: where the caller goes is the flow's choice
    expect(callerChannel.released || sip.uasDialogs[0]!.destroyed).toBe(false);
    const played = call.play(say('Transferring you.'), { bargeIn: false, signal });
    await settle();
    await clock.advance(2_000);
    expect(await played).toEqual({ kind: 'played' });
  });

  it('a phone that hangs up as soon as its REFER is accepted has still transferred the caller; a REFER naming no SIP URI is refused', async () => {
    const { agentDialog, bridged } = await answeredBridge();
    const bad = new FakeResponse();
    agentDialog.emit('refer', fakeRequest({ method: 'REFER', headers: { 'Refer-To': '<tel:1234>' } }), bad);
    expect(bad.sent).toEqual([400]);
    const refer = new FakeResponse();
    agentDialog.emit('refer', fakeRequest({ method: 'REFER', headers: { 'Refer-To': 'sip:queue-blue-badge@frontdoor.example' } }), refer);
    agentDialog.remoteHangup();
    expect(await bridged).toMatchObject({ kind: 'referred', target: 'sip:queue-blue-badge@frontdoor.example' });
  });
});
