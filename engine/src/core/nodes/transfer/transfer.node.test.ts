import { describe, expect, it } from 'vitest';
import { runNode } from '../../../testing/node-harness.js';
import { transferNode } from './transfer.node.js';

const params = { destination: 'tel:+441632960500', prompt: { text: { 'en-GB': 'Putting you through.' } } };

describe('transfer node', () => {
  it('says its prompt and hands the call over (blind)', async () => {
    const r = await runNode(transferNode, params);
    expect(r.outcome).toBe('transferred');
    expect(r.heard).toEqual(['Putting you through.']);
    expect(r.call.transferredTo).toBe('tel:+441632960500');
  });

  it.each(['busy', 'noAnswer', 'failed'] as const)('takes the %s exit', async (answer) => {
    const r = await runNode(transferNode, { ...params, destination: '+44 1632 960500' }, { world: { destinations: { 'tel:+441632960500': answer } } });
    expect(r.outcome).toBe(answer);
    expect(r.call.hungUp).toBe(false);
  });

  it('bridges in bridge mode and comes back to the flow when the far end hangs up', async () => {
    const r = await runNode(transferNode, { ...params, destination: 'teams:+441632960777', mode: 'bridge' });
    expect(r.outcome).toBe('transferred');
    expect(r.heard).toContain('(connected to teams:+441632960777)');
    expect(r.call.hungUp).toBe(false);
  });

  it('in bridge mode, follows the far end passing the caller on from its phone (REFER) to where it said', async () => {
    const world = { destinations: { 'teams:+441632960777': { talkSeconds: 20, referTo: 'sip:duty@pbx.council.example' } } };
    const r = await runNode(transferNode, { ...params, destination: 'teams:+441632960777', mode: 'bridge' }, { world });
    expect(r.outcome).toBe('transferred');
    expect(r.call.transferredTo).toBe('sip:duty@pbx.council.example');
  });

  it('gives up after the ring timeout', async () => {
    const r = await runNode(transferNode, { ...params, ringTimeoutMs: 5000 }, { world: { destinations: { 'tel:+441632960500': 'noAnswer' } } });
    expect(r.outcome).toBe('noAnswer');
  });

  it('rejects a destination it cannot ring, with the reason', () => {
    const bad = transferNode.params.safeParse({ destination: 'queue:highways' });
    expect(bad.error?.issues[0]).toMatchObject({ path: ['destination'], message: expect.stringContaining('Queue node') });
  });
});
