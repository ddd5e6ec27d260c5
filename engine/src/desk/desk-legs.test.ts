import { describe, expect, it } from 'vitest';
import { referTarget } from '../core/nodes/queue/queue-2.node.js';
import { referUriOf } from '../core/nodes/queue/refer-uri.js';
import { DeskLegRegistry } from './desk-legs.js';

const leg = { callId: 'test-1', agentId: 'priya' };

describe('desk legs (a test call ringing a real adviser)', () => {
  it('rings until the adviser answers, then lasts until they transfer the caller', async () => {
    const legs = new DeskLegRegistry();
    const changes: string[] = [];
    legs.onChange((agentId) => changes.push(`${agentId}:${legs.legOf(agentId)?.stage ?? 'none'}`));
    const ringing = legs.ring(leg, new AbortController().signal);
    expect(legs.legOf('priya')).toMatchObject({ stage: 'ringing', held: false });
    expect(legs.command({ ...leg, kind: 'hold', on: true })).toEqual({ kind: 'wrongStage', stage: 'ringing' });
    expect(legs.command({ ...leg, kind: 'answer' })).toMatchObject({ kind: 'done' });
    await expect(ringing).resolves.toBe('answered');
    const talking = legs.talk(leg, new AbortController().signal);
    expect(legs.command({ ...leg, kind: 'hold', on: true })).toMatchObject({ kind: 'done', leg: { held: true } });
    expect(legs.command({ ...leg, kind: 'transfer', target: { kind: 'queue', queueId: 'housing' } })).toMatchObject({ kind: 'done' });
    await expect(talking).resolves.toEqual({ kind: 'transferred', target: { kind: 'queue', queueId: 'housing' } });
    // Kept, ended, until the adviser wraps up.
    expect(legs.legOf('priya')).toMatchObject({ stage: 'ended', held: false });
    expect(legs.command({ ...leg, kind: 'hangup' })).toEqual({ kind: 'wrongStage', stage: 'ended' });
    legs.forget(leg);
    expect(legs.legOf('priya')).toBeUndefined();
    expect(changes).toEqual(['priya:ringing', 'priya:talking', 'priya:talking', 'priya:talking', 'priya:ended', 'priya:none']);
  });

  it('keeps a hang-up that comes before the bridge asks how the talk ends', async () => {
    const legs = new DeskLegRegistry();
    const ringing = legs.ring(leg, new AbortController().signal);
    legs.command({ ...leg, kind: 'answer' });
    await ringing;
    expect(legs.command({ ...leg, kind: 'hangup' })).toMatchObject({ kind: 'done' });
    await expect(legs.talk(leg, new AbortController().signal)).resolves.toEqual({ kind: 'hungUp' });
  });

  it('lets a decline end the ringing, and forgets a leg whose caller went (abort)', async () => {
    const legs = new DeskLegRegistry();
    const declined = legs.ring(leg, new AbortController().signal);
    legs.command({ ...leg, kind: 'decline' });
    await expect(declined).resolves.toBe('declined');
    expect(legs.legOf('priya')).toBeUndefined();

    const gone = new AbortController();
    const ringing = legs.ring(leg, gone.signal);
    gone.abort(new Error('caller hung up'));
    await expect(ringing).rejects.toThrow('caller hung up');
    expect(legs.command({ ...leg, kind: 'answer' })).toEqual({ kind: 'notHere' });
  });

  it('writes transfer targets the way the queue node reads a REFER', () => {
    expect(referUriOf({ kind: 'queue', queueId: 'housing' })).toBe('sip:queue.housing@frontdoor.invalid');
    expect(referUriOf({ kind: 'agent', agentId: 'sam' }, 'council.example')).toBe('sip:agent.sam@council.example');
    expect(referUriOf({ kind: 'number', e164: '+447700900123' })).toBe('tel:+447700900123');
    expect(referTarget(referUriOf({ kind: 'queue', queueId: 'housing' }))).toEqual({ kind: 'queue', queueId: 'housing' });
    expect(referTarget(referUriOf({ kind: 'agent', agentId: 'sam' }))).toEqual({ kind: 'destination', destination: { kind: 'agent', agentId: 'sam' } });
    expect(referTarget(referUriOf({ kind: 'number', e164: '+447700900123' }))).toEqual({ kind: 'destination', destination: { kind: 'number', e164: '+447700900123' } });
  });
});
