import { describe, expect, it } from 'vitest';
import { SimulatedClock } from './simulated-clock.js';
import { SimulatedOutboundCalls } from './simulated-outbound-calls.js';
import { worldSchema, type WorldInput } from './world.js';

const signal = new AbortController().signal;

function outbound(world: WorldInput = {}) {
  const clock = new SimulatedClock(0);
  return { clock, calls: new SimulatedOutboundCalls(worldSchema.parse(world), clock) };
}

describe('SimulatedOutboundCalls', () => {
  it('rings the agent, then from the agent’s call the caller’s number: each answers as the world says', async () => {
    const { calls, clock } = outbound({
      destinations: { 'agent:alice': { answerAfterSeconds: 4 }, '+447700900123': { answerAfterSeconds: 10, talkSeconds: 300 } },
    });
    const agent = await calls.dial({ kind: 'agent', agentId: 'alice' }, { callerId: '+447700900123', ringTimeoutMs: 20_000, callId: 'callback-1', signal });
    if (agent.kind !== 'answered') throw new Error(agent.kind);
    expect(clock.now()).toBe(4_000);
    expect([agent.call.callId, agent.call.from, agent.call.to]).toEqual(['callback-1', '+447700900123', 'agent:alice']);
    await agent.call.play([{ language: 'en-GB', text: 'Callback for Mrs Jones.' }], { bargeIn: false, signal });
    expect(calls.answered[0]!.heard).toEqual([{ language: 'en-GB', text: 'Callback for Mrs Jones.' }]);
    const resident = await agent.call.bridge({ kind: 'number', e164: '+447700900123' }, { ringTimeoutMs: 30_000, signal });
    expect(resident).toEqual({ kind: 'completed', talkMs: 300_000 });
  });

  it('busy, no answer and unreachable numbers are outcomes; a resident who answers does what the world scripts', async () => {
    const { calls } = outbound({
      destinations: {
        '+441632960001': 'busy',
        '+441632960002': 'noAnswer',
        '+441632960003': 'failed',
        '+441632960004': { actions: [{ press: '1' }] },
      },
    });
    const options = { callerId: '+441234500000', ringTimeoutMs: 30_000, signal };
    expect(await calls.dial({ kind: 'number', e164: '+441632960001' }, options)).toEqual({ kind: 'busy' });
    expect(await calls.dial({ kind: 'number', e164: '+441632960002' }, options)).toEqual({ kind: 'noAnswer' });
    expect(await calls.dial({ kind: 'number', e164: '+441632960003' }, options)).toMatchObject({ kind: 'failed' });
    const answered = await calls.dial({ kind: 'number', e164: '+441632960004' }, options);
    if (answered.kind !== 'answered') throw new Error(answered.kind);
    const confirm = { prompt: [], bargeIn: false, minDigits: 1, maxDigits: 1, terminators: '', firstDigitTimeoutMs: 5_000, interDigitTimeoutMs: 3_000, signal };
    expect(await answered.call.collectDigits(confirm)).toEqual({ kind: 'digits', digits: '1' });
    // Nothing more scripted: waiting on them again, they hang up.
    await expect(answered.call.collectDigits(confirm)).rejects.toMatchObject({ name: 'AbortError' });
    expect(answered.call.hungUp).toBe(true);
  });
});
