import { describe, expect, it } from 'vitest';
import { metrics } from '../../../metrics.js';
import { DrachtioOutboundCalls } from './placed-calls.js';
import { setupCall, say, settle } from './testing/call-setup.js';

/** Calls the engine places itself (a callback): the agent first, then the caller's number, bridged. */

async function setup() {
  const t = await setupCall();
  return { ...t, outbound: new DrachtioOutboundCalls(t.deps) };
}

const outboundCount = async (result: string) =>
  (await metrics.getSingleMetric('frontdoor_sip_outbound_calls_total')!.get()).values.find((v) => v.labels.result === result)?.value ?? 0;

describe('DrachtioOutboundCalls', () => {
  it('rings an agent; the answered leg is a call of its own: played to, then bridged onward to the caller’s number through the trunk', async () => {
    const { outbound, sip, clock, signal, otherChannels } = await setup();
    const answeredBefore = await outboundCount('answered');
    const dialling = outbound.dial({ kind: 'agent', agentId: 'alice' }, { callerId: '+447700900123', ringTimeoutMs: 20_000, signal });
    await settle();
    await clock.advance(1_000);
    const dialled = await dialling;
    if (dialled.kind !== 'answered') throw new Error(`expected an answer, got ${dialled.kind}`);
    const agentCall = dialled.call;
    expect(await outboundCount('answered')).toBe(answeredBefore + 1);
    expect(sip.invites[0]!.uri).toBe('sip:alice@10.0.0.5:5062');
    // The agent's phone shows whose callback it is (drachtio-server puts its own address for localhost).
    expect(sip.invites[0]!.opts.headers).toEqual({ From: '<sip:+447700900123@localhost>' });
    expect(agentCall.callId).toBe(sip.uacDialogs[0]!.sip.callId);
    expect([agentCall.from, agentCall.to]).toEqual(['+447700900123', 'agent:alice']);
    const agentChannel = otherChannels()[0]!;

    const told = agentCall.play(say('Callback for Mrs Jones, about a pothole.'), { bargeIn: false, signal });
    await settle();
    await clock.advance(2_000);
    expect(await told).toEqual({ kind: 'played' });
    expect(agentChannel.played).toEqual(['say:Callback for Mrs Jones, about a pothole.']);
    expect(agentChannel.variables).toMatchObject({ tts_engine: 'flite', park_after_bridge: 'true' });

    const bridged = agentCall.bridge({ kind: 'number', e164: '+447700900123' }, { ringTimeoutMs: 30_000, callerId: '+441234500000', signal });
    await settle();
    await clock.advance(1_000);
    await settle();
    expect(sip.invites[1]!.uri).toBe('sip:+447700900123@sip.carrier.example:5060;transport=udp');
    expect(sip.invites[1]!.opts.headers).toMatchObject({ 'P-Asserted-Identity': '<sip:+441234500000@sip.carrier.example>' });
    const residentChannel = otherChannels().find((c) => c !== agentChannel)!;
    expect(agentChannel.apiCalls).toContain(`uuid_bridge ${agentChannel.uuid} ${residentChannel.uuid}`);
    await clock.advance(240_000);
    sip.uacDialogs[1]!.remoteHangup();
    expect(await bridged).toEqual({ kind: 'completed', talkMs: 240_000 });

    await agentCall.hangup();
    expect(sip.uacDialogs[0]!.destroyed).toBe(true);
    expect(agentChannel.released && residentChannel.released).toBe(true);
  });

  it('takes the call record’s id when given one, and hears the far end hang up like a caller’s', async () => {
    const { outbound, sip, clock, signal } = await setup();
    const dialling = outbound.dial({ kind: 'sip', uri: 'sip:duty@pbx.council.example' }, { callerId: '+441234500000', ringTimeoutMs: 20_000, callId: 'callback-42', signal });
    await settle();
    await clock.advance(1_000);
    const dialled = await dialling;
    if (dialled.kind !== 'answered') throw new Error(dialled.kind);
    expect(dialled.call.callId).toBe('callback-42');
    let hungUp = 0;
    dialled.call.onHangup(() => (hungUp += 1));
    sip.uacDialogs[0]!.remoteHangup();
    expect([dialled.call.hungUp, hungUp]).toEqual([true, 1]);
    await expect(dialled.call.play(say('Hello?'), { bargeIn: false, signal })).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('maps SIP failures to outcomes: 486 busy, 480 no answer, 503 failed, the ring timeout (CANCEL), an agent with no phone', async () => {
    const { outbound, sip, clock, signal, otherChannels } = await setup();
    const number = { kind: 'number', e164: '+447700900123' } as const;
    const options = { callerId: '+441234500000', ringTimeoutMs: 25_000, signal };
    for (const [status, outcome] of [
      [486, { kind: 'busy' }],
      [480, { kind: 'noAnswer' }],
      [503, { kind: 'failed', reason: 'SIP 503' }],
    ] as const) {
      sip.script = () => ({ rejectAfterMs: 2_000, status });
      const dialling = outbound.dial(number, options);
      await settle();
      await clock.advance(2_000);
      expect(await dialling).toEqual(outcome);
    }
    sip.script = () => 'ring';
    const unanswered = outbound.dial(number, options);
    await settle();
    await clock.advance(25_000);
    expect(await unanswered).toEqual({ kind: 'noAnswer' });
    expect(sip.invites.at(-1)!.cancelled).toBe(true);
    expect(await outbound.dial({ kind: 'agent', agentId: 'bob' }, options)).toEqual({ kind: 'failed', reason: 'agent bob has no registered phone' });
    expect(otherChannels().every((c) => c.released)).toBe(true);
  });

  it('stops ringing (CANCEL) when the dial is aborted — the callback was withdrawn', async () => {
    const { outbound, sip, otherChannels } = await setup();
    sip.script = () => 'ring';
    const withdrawn = new AbortController();
    const dialling = outbound.dial({ kind: 'number', e164: '+447700900123' }, { callerId: '+441234500000', ringTimeoutMs: 25_000, signal: withdrawn.signal });
    await settle();
    withdrawn.abort(new DOMException('withdrawn', 'AbortError'));
    await expect(dialling).rejects.toMatchObject({ name: 'AbortError' });
    expect(sip.invites[0]!.cancelled).toBe(true);
    await settle();
    expect(otherChannels().every((c) => c.released)).toBe(true);
  });
});
