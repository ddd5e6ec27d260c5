import { describe, expect, it } from 'vitest';
import { runNode } from '../../../testing/node-harness.js';
import { voicemailNode } from './voicemail.node.js';

describe('voicemail node', () => {
  it('plays the prompt and a tone, records, and stores where the message went', async () => {
    const r = await runNode(voicemailNode, { boxId: 'highways' }, { caller: [{ say: 'There is a pothole outside number 12 Mill Lane.' }] });
    expect(r.outcome).toBe('recorded');
    expect(r.set).toMatchObject({ voicemailBox: 'highways', voicemailId: expect.any(String), voicemailSeconds: 3 });
    expect(r.heard).toEqual([expect.stringContaining('after the tone'), '(beep)']);
  });

  it('takes the noInput exit when the caller says nothing', async () => {
    const r = await runNode(voicemailNode, { boxId: 'highways', beep: false }, { caller: [{ silence: true }] });
    expect(r.outcome).toBe('noInput');
    expect(r.heard).not.toContain('(beep)');
  });

  it('ends the call deliberately', () => {
    expect(voicemailNode.traits.ends).toBe('deliberate');
  });
});
