import { describe, expect, it } from 'vitest';
import type { CollectDigitsOptions, PromptSegment } from '../../../ports/index.js';
import type { CallerAction } from './caller-action.js';
import { SimulatedCall, promptDurationMs } from './simulated-call.js';
import { SimulatedClock } from './simulated-clock.js';
import { worldSchema, type WorldInput } from './world.js';

const say = (text: string): PromptSegment[] => [{ language: 'en-GB', text }];
const signal = new AbortController().signal;

function simulated(caller: CallerAction[] | 'live', world: WorldInput = {}) {
  const clock = new SimulatedClock(0);
  const call = new SimulatedCall({ callId: 'c', from: '+447700900123', to: '+441234500000', clock, input: caller, world: worldSchema.parse(world) });
  return { clock, call };
}

const collect = (over: Partial<CollectDigitsOptions> = {}): CollectDigitsOptions => ({
  prompt: say('Enter your reference.'),
  bargeIn: false,
  minDigits: 1,
  maxDigits: 6,
  terminators: '#',
  firstDigitTimeoutMs: 5000,
  interDigitTimeoutMs: 3000,
  signal,
  ...over,
});

describe('SimulatedCall', () => {
  it('holds the caller until a key they may press, dropping others; stops quietly when the wait is over', async () => {
    const { clock, call } = simulated([{ wait: 40 }, { press: '9' }, { wait: 5 }, { press: '1' }]);
    expect(await call.hold({ keys: '12', signal })).toEqual({ kind: 'key', key: '1' });
    expect(clock.now()).toBe(45_000);
    expect(call.heard).toEqual([]);
    const over = new AbortController();
    const holding = call.hold({ keys: '12', signal: over.signal });
    over.abort();
    expect(await holding).toEqual({ kind: 'stopped' });
  });

  it('plays prompts for as long as they take to say, and records what the caller heard', async () => {
    const { clock, call } = simulated([]);
    expect(await call.play(say('Welcome to the council.'), { bargeIn: false, signal })).toEqual({ kind: 'played' });
    expect(clock.now()).toBe(promptDurationMs(say('Welcome to the council.')));
    expect(call.heard).toEqual(say('Welcome to the council.'));
  });

  it('lets a key interrupt a barge-in prompt and keeps it for the next question', async () => {
    const { clock, call } = simulated([{ press: '2' }]);
    expect(await call.play(say('A long message the caller skips.'), { bargeIn: true, signal })).toEqual({ kind: 'interrupted', digits: '2' });
    expect(clock.now()).toBe(0);
    expect(await call.collectDigits(collect({ maxDigits: 1 }))).toEqual({ kind: 'digits', digits: '2' });
  });

  it('collects digits up to the terminator, and keeps keys typed ahead for the next question', async () => {
    const { call } = simulated([{ press: '123#45' }]);
    expect(await call.collectDigits(collect())).toEqual({ kind: 'digits', digits: '123', terminator: '#' });
    expect(await call.collectDigits(collect({ maxDigits: 2 }))).toEqual({ kind: 'digits', digits: '45' });
  });

  it('waits the inter-digit timeout when the caller stops short of the most digits', async () => {
    const { clock, call } = simulated([{ press: '12' }]);
    const prompt = promptDurationMs(say('Enter your reference.'));
    expect(await call.collectDigits(collect())).toEqual({ kind: 'digits', digits: '12' });
    expect(clock.now()).toBe(prompt + 3000);
  });

  it('gives no input after silence, or words where keys were wanted', async () => {
    const { clock, call } = simulated([{ silence: true }, { say: 'one' }, { press: '1' }]);
    expect(await call.collectDigits(collect())).toEqual({ kind: 'noInput' });
    expect(await call.collectDigits(collect({ prompt: [] }))).toEqual({ kind: 'noInput' });
    expect(clock.now()).toBe(promptDurationMs(say('Enter your reference.')) + 10_000);
  });

  it('hears speech as text, and keys when the question allows them', async () => {
    const { call } = simulated([{ say: 'I have fallen' }, { press: '3' }, { press: '4' }]);
    const listen = { prompt: say('How can we help?'), bargeIn: true, language: 'en-GB', noInputTimeoutMs: 5000, maxSpeechMs: 10_000, allowDigits: true, maxDigits: 1, signal };
    expect(await call.listen(listen)).toEqual({ kind: 'speech', utterance: { kind: 'text', text: 'I have fallen' } });
    expect(await call.listen(listen)).toEqual({ kind: 'digits', digits: '3' });
    expect(await call.listen({ ...listen, allowDigits: false })).toEqual({ kind: 'noInput' });
  });

  it('hangs up for the caller when the script runs out while the flow waits for an answer', async () => {
    const { call } = simulated([{ press: '1' }]);
    let told = 0;
    call.onHangup(() => told++);
    await call.collectDigits(collect({ maxDigits: 1 }));
    await expect(call.collectDigits(collect())).rejects.toMatchObject({ name: 'AbortError' });
    expect(call).toMatchObject({ hungUp: true, endedBy: 'caller' });
    expect(told).toBe(1);
  });

  it('hangs up at a scripted hangup, after a scripted wait, whatever is running', async () => {
    const { clock, call } = simulated([{ wait: 7 }, { hangup: true }]);
    const hungUp = new Promise<number>((resolve) => call.onHangup(() => resolve(clock.now())));
    expect(await hungUp).toBe(7000);
  });

  it('rings destinations as the world says', async () => {
    const { call } = simulated([], { destinations: { '+441632960001': 'busy', 'tel:+441632960002': 'noAnswer', 'sip:desk@pbx.example.gov.uk': 'failed' } });
    const options = { ringTimeoutMs: 20_000, signal };
    expect(await call.transfer({ kind: 'number', e164: '+441632960001' }, options)).toEqual({ kind: 'busy' });
    expect(await call.bridge({ kind: 'number', e164: '+441632960002' }, options)).toEqual({ kind: 'noAnswer' });
    expect(await call.transfer({ kind: 'sip', uri: 'sip:desk@pbx.example.gov.uk' }, options)).toMatchObject({ kind: 'failed' });
    expect(await call.transfer({ kind: 'teams', e164: '+441632960003' }, options)).toEqual({ kind: 'transferred' });
    expect(call).toMatchObject({ hungUp: true, endedBy: 'system', transferredTo: 'teams:+441632960003' });
  });

  it('bridges like the real adapter: onAnswer, a whisper the far end alone hears, a recording, the far end’s own timing', async () => {
    const { call, clock } = simulated([], { destinations: { 'agent:alice': { answerAfterSeconds: 8, talkSeconds: 120 } } });
    const told: number[] = [];
    const bridged = await call.bridge(
      { kind: 'agent', agentId: 'alice' },
      { ringTimeoutMs: 20_000, whisper: say('Highways queue.'), record: true, onAnswer: () => told.push(clock.now()), signal },
    );
    expect(bridged).toEqual({ kind: 'completed', talkMs: 120_000, recordingId: 'c-bridge-1' });
    expect(told).toEqual([8_000]);
    expect(call.whispers).toEqual(say('Highways queue.'));
    expect(call.heard).toEqual([{ language: 'en-GB', text: '(connected to agent:alice)' }]);
    expect(clock.now()).toBe(8_000 + promptDurationMs(say('Highways queue.')) + 120_000);
    // Slower to answer than the ring timeout allows: no answer, and nobody was told.
    expect(await call.bridge({ kind: 'agent', agentId: 'alice' }, { ringTimeoutMs: 5_000, onAnswer: () => told.push(-1), signal })).toEqual({ kind: 'noAnswer' });
    expect(told).toEqual([8_000]);
  });

  it('an agent the world says transfers from the phone hands the caller back to the flow (referred)', async () => {
    const { call } = simulated([], { destinations: { 'agent:bob': { talkSeconds: 30, referTo: 'sip:blue-badge@queues.frontdoor' } } });
    expect(await call.bridge({ kind: 'agent', agentId: 'bob' }, { ringTimeoutMs: 20_000, signal })).toEqual({
      kind: 'referred',
      target: 'sip:blue-badge@queues.frontdoor',
      talkMs: 30_000,
    });
    expect(call.hungUp).toBe(false);
  });

  it('sends the caller’s keys during a payment hand-off to the far end only', async () => {
    const { call } = simulated([{ press: '4929123456781234' }, { press: '123' }, { say: 'thank you' }]);
    const result = await call.handOff({ kind: 'sip', uri: 'sip:pay@pay360.simulated' }, { digitsToSend: '*0701#', mode: 'bridge', ringTimeoutMs: 20_000, signal });
    expect(result).toEqual({ kind: 'returned' });
    expect(JSON.stringify(call.heard)).not.toMatch(/\d{3}/);
    // The words after the card details are still there for the flow.
    expect(await call.listen({ prompt: [], bargeIn: false, language: 'en-GB', noInputTimeoutMs: 1000, maxSpeechMs: 5000, allowDigits: false, maxDigits: 1, signal })).toMatchObject({ kind: 'speech' });
  });

  it('takes live keys and words whenever they come', async () => {
    const clock = new SimulatedClock(0, { idleDriven: false });
    const call = new SimulatedCall({ callId: 'live', from: '+447700900123', to: '+441234500000', clock, input: 'live' });
    const answer = call.collectDigits(collect({ prompt: [], maxDigits: 1 }));
    await clock.advance(2000);
    call.press('7');
    expect(await answer).toEqual({ kind: 'digits', digits: '7' });
    call.say('hello');
    const heard = call.listen({ prompt: [], bargeIn: false, language: 'en-GB', noInputTimeoutMs: 1000, maxSpeechMs: 5000, allowDigits: false, maxDigits: 1, signal });
    await clock.advance(1000);
    expect(await heard).toMatchObject({ kind: 'speech' });
    const nothing = call.collectDigits(collect({ prompt: [] }));
    await clock.advance(5000);
    expect(await nothing).toEqual({ kind: 'noInput' });
    call.callerHangup();
    await expect(call.play(say('Anyone there?'), { bargeIn: false, signal })).rejects.toMatchObject({ name: 'AbortError' });
  });
});
