import { describe, expect, it } from 'vitest';
import type { CallEvent } from '../../ports/index.js';
import { CallStory, outcomeWords } from './call-story.js';
import { REDACTED } from './event-log.js';

const event = (seq: number, type: CallEvent['type'], nodeId: string | undefined, data: CallEvent['data']): CallEvent => ({
  callId: 'c',
  seq,
  at: seq * 1000,
  type,
  ...(nodeId ? { nodeId } : {}),
  data,
});

describe('a call told in plain words', () => {
  it('names steps and exits as the designer did, never by id', () => {
    const story = new CallStory();
    const lines = [
      event(1, 'call.started', undefined, { flowId: 'main-line', from: '+447700900123', to: '+441632960000' }),
      event(2, 'node.entered', 'speech-1', { kind: 'speech', name: 'What is it about' }),
      event(3, 'prompt.played', 'speech-1', { text: 'How can we help?' }),
      event(4, 'input.speech', 'speech-1', { transcript: 'a pothole', confidence: 0.9 }),
      event(5, 'node.outcome', 'speech-1', { outcome: 'highways', label: 'Highways' }),
      event(6, 'var.set', 'speech-1', { name: 'vulnerable', value: true }),
      event(7, 'node.entered', 'queue-2', { kind: 'queue', name: 'Highways queue' }),
      event(8, 'call.ended', 'queue-2', { outcome: 'answered' }),
    ].map((e) => story.tell(e)?.text);
    expect(lines).toEqual([
      'Call from +447700900123 to +441632960000',
      'What is it about',
      'How can we help?',
      'said “a pothole”',
      'What is it about → Highways',
      'vulnerable = yes',
      'Highways queue',
      'Call ended: answered by an agent at Highways queue',
    ]);
    expect(lines.join('\n')).not.toMatch(/speech-1|queue-2/);
  });

  it('keeps secret keys hidden and tells an answered call apart from an abandoned one', () => {
    expect(new CallStory().tell(event(1, 'input.digits', 'pay', { digits: REDACTED }))?.text).toBe('pressed keys (hidden: they may be card details)');
    expect(outcomeWords('answered')).not.toBe(outcomeWords('callerHungUp'));
  });
});
