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
      'said “a pothole” (90% sure)',
      'What is it about → Highways',
      'vulnerable = yes',
      'Highways queue',
      'Call ended: answered by an agent at Highways queue',
    ]);
    expect(lines.join('\n')).not.toMatch(/speech-1|queue-2/);
  });

  it('tells what the recogniser made of speech: how sure, the flagged words, a failure, an answer to the check', () => {
    const story = new CallStory();
    const told = (data: CallEvent['data']) => story.tell(event(1, 'input.speech', 'speech-1', data));
    expect(told({ transcript: 'my mum has fallen', confidence: 0.734, heard: 'fallen' })?.text).toBe('said “my mum has fallen” (73% sure) — picked out: fallen');
    expect(told({ transcript: 'yes', confirm: true })?.text).toBe('said “yes”, answering the check');
    expect(told({ transcript: '', error: 'speech service unreachable' })).toEqual({
      kind: 'problem',
      text: 'The speech recogniser could not hear the caller: speech service unreachable',
      nodeId: 'speech-1',
    });
    expect(told({ transcript: '' })?.text).toBe('said something that was not understood');
  });

  it('tells a payment from hand-off to result, showing only what the payments screen shows', () => {
    const story = new CallStory();
    const told = (type: CallEvent['type'], data: CallEvent['data']) => story.tell(event(1, type, 'pay', data));
    expect(told('payment.started', { reference: '12345678', amountPence: 7000, mode: 'bridge' })?.text).toBe(
      'Handed to the payment service for a payment of £70.00 (reference 12345678): card details go to it only',
    );
    expect(told('payment.started', { reference: '12345678', amountPence: null })?.text).toBe(
      'Handed to the payment service for a payment (reference 12345678): card details go to it only',
    );
    const paid = told('payment.ended', { status: 'paid', amountPence: 7000, maskedCard: '**** 1111', transactionId: 'FAKE00000001', reason: null });
    expect(paid).toEqual({ kind: 'person', text: 'Payment of £70.00 paid (card **** 1111, transaction FAKE00000001)', nodeId: 'pay' });
    expect(told('payment.ended', { status: 'paid', amountPence: 7000, previouslyPaid: true })?.text).toBe('Payment of £70.00 was already paid (nothing charged twice)');
    expect(told('payment.ended', { status: 'declined', amountPence: 7000, reason: 'card declined' })).toMatchObject({ kind: 'problem', text: 'Payment of £70.00 declined: no money taken (reason: card declined)' });
    expect(told('payment.ended', { status: 'abandoned', amountPence: null })?.text).toBe('Payment abandoned: the caller left the payment line without paying');
    expect(told('payment.ended', { status: 'error', reason: 'outcome-unknown' })?.text).toBe('Payment not taken: the payment service could not be used (reason: outcome-unknown)');
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
    // The ACD's record of the queue: answered means talked, even with no agent.connected in the log.
    expect(callResult({ outcome: 'callerHungUp', queueOutcome: 'answered' }, inQueue).kind).toBe('talked');
    expect(callResult({ outcome: 'callerHungUp', queueOutcome: 'abandoned' }, inQueue).kind).toBe('abandoned');
  });

  it('names the agent who answered, and the queue', () => {
    const story = new CallStory();
    expect(story.tell(e0(1, 'agent.connected', 'q', { agentId: 'sam', agentName: 'Sam Jones', queueId: 'highways', queueName: 'Highways team' }))?.text).toBe('Talking to Sam Jones (Highways team)');
    expect(story.tell(e0(2, 'agent.connected', 'q', { agentId: 'sam' }))?.text).toBe('Talking to agent sam');
    expect(story.tell(e0(3, 'agent.connected', 't', { destination: 'tel:+441632960999' }))?.text).toBe('Talking to tel:+441632960999');
  });
});

function e0(seq: number, type: CallEvent['type'], nodeId: string, data: CallEvent['data']): CallEvent {
  return { callId: 'c', seq, at: seq, type, nodeId, data };
}
