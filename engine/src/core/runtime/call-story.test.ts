import { describe, expect, it } from 'vitest';
import type { CallEvent } from '../../ports/index.js';
import { CallStory, callResult, outcomeWords } from './call-story.js';
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

describe('how a call turned out', () => {
  const inQueue = [e0(1, 'node.entered', 'q', { kind: 'queue', name: 'Highways queue' })];
  it('never records a caller who talked to an agent like one who gave up waiting', () => {
    const talked = callResult({ outcome: 'callerHungUp' }, [...inQueue, e0(2, 'agent.connected', 'q', { agentId: 'sam' })]);
    const abandoned = callResult({ outcome: 'callerHungUp' }, inQueue);
    expect(talked).toEqual({ kind: 'talked', text: 'Talked to a person' });
    expect(abandoned).toEqual({ kind: 'abandoned', text: 'Hung up waiting in Highways queue' });
    expect(callResult({ outcome: 'callerHungUp', agentId: 'sam' }, inQueue).kind).toBe('talked');
    expect(callResult({ outcome: 'completed' }, inQueue).text).toBe('Ended by the flow');
    expect(callResult({}, inQueue).kind).toBe('inProgress');
  });
});

function e0(seq: number, type: CallEvent['type'], nodeId: string, data: CallEvent['data']): CallEvent {
  return { callId: 'c', seq, at: seq, type, nodeId, data };
}
