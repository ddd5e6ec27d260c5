import { describe, expect, it } from 'vitest';
import { runNode } from '../../../testing/node-harness.js';
import { playNode } from './play.node.js';

describe('play node', () => {
  it('says the prompt with {{variables}} filled in', async () => {
    const r = await runNode(playNode, { prompt: { text: { 'en-GB': 'Your case number is {{caseRef}}.' } } }, { vars: { caseRef: '12345' } });
    expect(r).toMatchObject({ outcome: 'done', heard: ['Your case number is 12345.'] });
    expect(r.events).toEqual([expect.objectContaining({ type: 'prompt.played', data: { text: 'Your case number is 12345.' } })]);
  });

  it('says it in the call language when the prompt has it', async () => {
    const r = await runNode(playNode, { prompt: { text: { 'en-GB': 'Hello', 'cy-GB': 'Helo' } } }, { language: 'cy-GB' });
    expect(r.heard).toEqual(['Helo']);
  });
});
