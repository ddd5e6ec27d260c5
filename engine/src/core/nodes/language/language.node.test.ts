import { describe, expect, it } from 'vitest';
import { runNode } from '../../../testing/node-harness.js';
import { languageNode } from './language.node.js';

const params = {
  prompt: { text: { 'en-GB': 'For English, press 1. Am Gymraeg, pwyswch 2.', 'cy-GB': 'For English, press 1. Am Gymraeg, pwyswch 2.' } },
  options: [
    { digit: '1', language: 'en-GB', label: 'English' },
    { digit: '2', language: 'cy-GB', label: 'Cymraeg' },
  ],
  noInput: { retries: 0 },
};

describe('language node', () => {
  it('switches the call to the language the caller picks', async () => {
    const r = await runNode(languageNode, params, { caller: [{ press: '2' }] });
    expect(r).toMatchObject({ outcome: 'cy-GB', set: { language: 'cy-GB' } });
  });

  it('keeps the language and takes "done" when nobody chooses', async () => {
    const r = await runNode(languageNode, params, { caller: [{ silence: true }] });
    expect(r).toMatchObject({ outcome: 'done', set: {} });
  });

  it('says the re-prompt in the current language', async () => {
    const r = await runNode(languageNode, params, { language: 'cy-GB', caller: [{ press: '5' }, { press: '1' }] });
    expect(r.outcome).toBe('en-GB');
    expect(r.heard[1]).toBe("Mae'n ddrwg gen i, nid yw hynny'n un o'r dewisiadau.");
  });

  it('switches to a fixed language without asking', async () => {
    const r = await runNode(languageNode, { mode: 'fixed', language: 'cy-GB' });
    expect(r).toMatchObject({ outcome: 'done', set: { language: 'cy-GB' }, heard: [] });
  });

  it('reports the languages it switches to, for validation', () => {
    expect(languageNode.traits.languages!(languageNode.params.parse(params))).toEqual(['en-GB', 'cy-GB']);
    expect(languageNode.params.safeParse({ mode: 'fixed' }).error?.issues[0]?.path).toEqual(['language']);
  });
});
