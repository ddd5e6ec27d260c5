import { describe, expect, it } from 'vitest';
import { runNode } from '../../../testing/node-harness.js';
import { hangupNode } from './hangup.node.js';

describe('hangup node', () => {
  it('says goodbye and ends the call with its reason', async () => {
    const r = await runNode(hangupNode, { prompt: { text: { 'en-GB': 'Goodbye.' } }, reason: 'streetlight-reported' });
    expect(r.heard).toEqual(['Goodbye.']);
    expect(r.call.hungUp).toBe(true);
    expect(r.call.hangupReason).toBe('streetlight-reported');
    expect(r.set).toEqual({ outcome: 'streetlight-reported' });
  });

  it('ends silently with reason "completed" by default', async () => {
    const r = await runNode(hangupNode, {});
    expect(r.heard).toEqual([]);
    expect(r.call.hangupReason).toBe('completed');
  });
});
