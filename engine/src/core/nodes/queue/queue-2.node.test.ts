import { describe, expect, it } from 'vitest';
import { runNode } from '../../../testing/node-harness.js';
import { scratchEngine } from '../../../testing/simulated-acd.js';
import { queueNode2, referTarget } from './queue-2.node.js';

const agents = (...list: object[]) => ({ agents: list });

describe('queue node, version 2', () => {
  it('tells the caller their place and connects them to the first free agent, the agent hearing the queue’s name', async () => {
    const r = await runNode(queueNode2, { queueId: 'highways-v2' }, { world: { queues: { 'highways-v2': agents({ id: 'asha', availableAfterSeconds: 50 }) } } });
    expect(r).toMatchObject({ outcome: 'answered', set: { agentId: 'asha', agentName: 'Simulated agent 1 (highways-v2)' } });
    expect(r.heard).toEqual(['You are number 1 in the queue.', 'You are number 1 in the queue.', '(connected to agent:asha)']);
    // Music (the media server's own) between announcements, with the queue's keys listened for.
    expect(r.call.holds.length).toBeGreaterThanOrEqual(2);
    const { store } = await scratchEngine();
    const [entry] = await store.acd.entries({ callId: 'node-test-call', queueId: 'highways-v2' });
    expect(entry).toMatchObject({ state: 'ended', outcome: 'answered', agentId: 'asha' });
  });

  it('passes over an agent who does not answer to one who does', async () => {
    const r = await runNode(queueNode2, { queueId: 'missed-v2' }, {
      world: { queues: { 'missed-v2': agents({ id: 'slow', answers: 'noAnswer' }, { id: 'quick', availableAfterSeconds: 1 }) } },
    });
    expect(r).toMatchObject({ outcome: 'answered', set: { agentId: 'quick' } });
  });

  it('books a callback in the caller’s place on their own number, and the callback rings the agent, then the caller', async () => {
    const world = { queues: { 'callback-v2': { agents: [{ id: 'cara', availableAfterSeconds: 600 }], settings: { callback: { enabled: true, offerAfterSeconds: 30 } } } } };
    const r = await runNode(queueNode2, { queueId: 'callback-v2' }, { caller: [{ wait: 40 }, { press: '1' }, { press: '1' }], world, from: '+447700900321' });
    expect(r).toMatchObject({ outcome: 'callback', set: { callbackNumber: '+447700900321' } });
    expect(r.heard.join(' ')).toContain('To be called back instead, without losing your place in the queue, press 1.');
    expect(r.heard.join(' ')).toContain('We will call you back on 0 7 7 0 0 9 0 0 3 2 1. Press 1 to confirm');
    expect(r.heard.at(-1)).toMatch(/^Thank you. You keep your place in the queue/);
    // runNode let the realm go only once its callback had run its course (on the call's simulated clock).
    const { store } = await scratchEngine();
    const [entry] = await store.acd.entries({ queueId: 'callback-v2' });
    expect(entry).toMatchObject({ kind: 'callback', state: 'ended', outcome: 'callback_completed', agentId: 'cara', callbackNumber: '+447700900321' });
    const events = await store.acd.events({ queueId: 'callback-v2' }, { page: 1, pageSize: 50 });
    expect(events.items.map((e) => e.type)).toEqual(
      expect.arrayContaining(['entered', 'callback_offered', 'callback_accepted', 'offered', 'answered', 'callback_dialed', 'callback_completed']),
    );
    expect(events.items.findIndex((e) => e.type === 'callback_dialed')).toBeGreaterThan(events.items.findIndex((e) => e.type === 'answered'));
  });

  it('lets the caller key another number for the callback', async () => {
    const world = { queues: { 'callback-other': { agents: [{ availableAfterSeconds: 600 }], settings: { callback: { enabled: true, offerAfterSeconds: 0 } } } } };
    const r = await runNode(queueNode2, { queueId: 'callback-other' }, { caller: [{ wait: 5 }, { press: '1' }, { press: '2' }, { press: '01632960123#' }, { press: '1' }], world });
    expect(r).toMatchObject({ outcome: 'callback', set: { callbackNumber: '01632960123' } });
  });

  it('overflows to another queue after the longest wait, keeping the time waited', async () => {
    const world = {
      queues: {
        'first-v2': { agents: [{ availableAfterSeconds: 3600 }], settings: { maxWaitSeconds: 60, overflow: { kind: 'queue', queueId: 'second-v2' } } },
        'second-v2': agents({ id: 'backup', availableAfterSeconds: 0 }),
      },
    };
    const r = await runNode(queueNode2, { queueId: 'first-v2' }, { world });
    expect(r).toMatchObject({ outcome: 'answered', set: { agentId: 'backup' } });
    const { store } = await scratchEngine();
    const [first] = await store.acd.entries({ queueId: 'first-v2' });
    const [second] = await store.acd.entries({ queueId: 'second-v2' });
    expect(first).toMatchObject({ outcome: 'overflowed' });
    expect(second!.enteredAt).toEqual(first!.enteredAt);
  });

  it('sends the caller to leave a message on the message key, or when nobody is logged in and the queue overflows to voicemail', async () => {
    const withKey = await runNode(queueNode2, { queueId: 'message-v2' }, {
      caller: [{ wait: 5 }, { press: '2' }],
      world: { queues: { 'message-v2': { agents: [{ availableAfterSeconds: 600 }], settings: { messageKey: '2' } } } },
    });
    expect(withKey.outcome).toBe('message');
    expect(withKey.heard.slice(0, 2)).toEqual(['You are number 1 in the queue.', 'To leave a message instead, press 2.']);
    const nobody = await runNode(queueNode2, { queueId: 'empty-v2' }, { world: { queues: { 'empty-v2': { agents: [], settings: { overflow: { kind: 'voicemail' } } } } } });
    expect(nobody).toMatchObject({ outcome: 'message', heard: [] });
  });

  it('takes the timeout, full, closed and no-agents exits when the queue has no overflow', async () => {
    expect((await runNode(queueNode2, { queueId: 'q-full' }, { world: { queues: { 'q-full': 'full' } } })).outcome).toBe('full');
    expect((await runNode(queueNode2, { queueId: 'q-closed' }, { world: { queues: { 'q-closed': 'closed' } } })).outcome).toBe('closed');
    expect((await runNode(queueNode2, { queueId: 'q-none' }, { world: { queues: { 'q-none': 'noAgents' } } })).outcome).toBe('noAgents');
    const waited = await runNode(queueNode2, { queueId: 'q-long', maxWaitSeconds: 120 }, { world: { queues: { 'q-long': { answerAfterSeconds: 3600 } } } });
    expect(waited.outcome).toBe('timeout');
    expect(waited.clock.now() - Date.parse('2026-01-07T10:00:00Z')).toBeGreaterThanOrEqual(120_000);
  });

  it('reports a caller who hangs up while waiting as abandoned', async () => {
    const r = await runNode(queueNode2, { queueId: 'q-abandon' }, { caller: [{ wait: 20 }, { hangup: true }], world: { queues: { 'q-abandon': { answerAfterSeconds: 600 } } } });
    expect(r.outcome).toBe('callerHungUp');
    const { store } = await scratchEngine();
    const [entry] = await store.acd.entries({ queueId: 'q-abandon' });
    expect(entry).toMatchObject({ outcome: 'abandoned' });
  });

  it('reads where an agent’s transfer sends the caller', () => {
    expect(referTarget('sip:queue.housing@pbx.example.gov.uk')).toEqual({ kind: 'queue', queueId: 'housing' });
    expect(referTarget('<sip:queue-adult-social-care@10.0.0.1;transport=udp>'.slice(1, -1))).toEqual({ kind: 'queue', queueId: 'adult-social-care' });
    expect(referTarget('sip:+441632960123@trunk')).toEqual({ kind: 'destination', destination: { kind: 'number', e164: '+441632960123' } });
    expect(referTarget('tel:01632960123')).toEqual({ kind: 'destination', destination: { kind: 'number', e164: '01632960123' } });
    expect(referTarget('sip:alice@pbx.example.gov.uk')).toEqual({ kind: 'destination', destination: { kind: 'sip', uri: 'sip:alice@pbx.example.gov.uk' } });
    expect(referTarget('nonsense')).toEqual({ kind: 'unknown' });
  });
});
