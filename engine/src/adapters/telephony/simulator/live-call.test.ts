import { describe, expect, it } from 'vitest';
import type { CallEvent, PromptSegment } from '../../../ports/index.js';
import { flowOf, say } from '../../../core/runtime/test-support.js';
import { simulatedPortsFor } from '../../../testing/simulated-call-ports.js';
import { startLiveCall } from './live-call.js';

// Barge-in prompts and no-prompt endings keep these real-time calls to a few milliseconds.
const flow = flowOf({
  schemaVersion: 1,
  id: 'live',
  name: 'Live',
  entry: 'menu',
  nodes: [
    { id: 'menu', kind: 'menu', version: 1, params: { prompt: say('Press 1 to finish.'), options: [{ digit: '1', label: 'Finish' }] } },
    { id: 'done', kind: 'hangup', version: 1, params: { reason: 'finished' } },
  ],
  edges: [
    { id: 'e1', from: 'menu', outcome: '1', to: 'done' },
    { id: 'e2', from: 'menu', outcome: 'noInput', to: 'done' },
    { id: 'e3', from: 'menu', outcome: 'noMatch', to: 'done' },
  ],
});

describe('startLiveCall', () => {
  it('streams events and prompts from call.started on, and takes the caller’s keys', async () => {
    const call = startLiveCall({ flow, ports: simulatedPortsFor([flow]), at: '2026-11-28T23:30:00Z', from: '+447700900999' });
    const events: CallEvent[] = [];
    const prompts: PromptSegment[] = [];
    call.on('event', (e) => events.push(e));
    call.on('prompt', (p) => {
      prompts.push(p);
      call.press('1');
    });
    expect(await call.finished).toEqual({ outcome: 'finished', endedAt: 'done' });
    expect(prompts.map((p) => p.text)).toEqual(['Press 1 to finish.']);
    expect(events.map((e) => e.type)).toEqual(['call.started', 'node.entered', 'prompt.played', 'input.digits', 'node.outcome', 'node.entered', 'node.outcome', 'var.set', 'call.ended']);
    expect(events[0]).toMatchObject({ callId: call.callId, data: { from: '+447700900999' } });
    // The clock starts at the time asked for and runs in real time from there.
    expect(events[0]!.at - Date.parse('2026-11-28T23:30:00Z')).toBeGreaterThanOrEqual(0);
    expect(events[0]!.at - Date.parse('2026-11-28T23:30:00Z')).toBeLessThan(60_000);
  });

  it('joins keys pressed one at a time on the designer’s keypad into one entry', async () => {
    const entry = flowOf({
      schemaVersion: 1,
      id: 'entry',
      name: 'Entry',
      entry: 'ask',
      nodes: [
        { id: 'ask', kind: 'collect-digits', version: 1, params: { prompt: say('Enter your 4 digit code then hash.'), variable: 'code', minDigits: 4, maxDigits: 6, terminator: '#' } },
        { id: 'done', kind: 'hangup', version: 1, params: { reason: 'entered' } },
        { id: 'wrong', kind: 'hangup', version: 1, params: { reason: 'not-entered' } },
      ],
      edges: [
        { id: 'e1', from: 'ask', outcome: 'done', to: 'done' },
        { id: 'e2', from: 'ask', outcome: 'noInput', to: 'wrong' },
        { id: 'e3', from: 'ask', outcome: 'invalid', to: 'wrong' },
      ],
    });
    const call = startLiveCall({ flow: entry, ports: simulatedPortsFor([entry]) });
    const events: CallEvent[] = [];
    call.on('event', (e) => events.push(e));
    call.on('prompt', () => {
      for (const key of '4711#') call.press(key);
    });
    expect(await call.finished).toEqual({ outcome: 'entered', endedAt: 'done' });
    expect(events.find((e) => e.type === 'var.set' && e.data.name === 'code')?.data.value).toBe('4711');
  });

  it('ends as callerHungUp when the tester hangs up', async () => {
    const call = startLiveCall({ flow, ports: simulatedPortsFor([flow]) });
    call.on('prompt', () => call.hangup());
    expect(await call.finished).toEqual({ outcome: 'callerHungUp', endedAt: 'menu' });
  });

  it('refuses a time it cannot read', () => {
    expect(() => startLiveCall({ flow, ports: simulatedPortsFor([flow]), at: 'teatime' })).toThrow('at "teatime" is not an ISO 8601 time');
  });
});
