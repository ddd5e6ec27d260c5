import { describe, expect, it } from 'vitest';
import { runNode } from '../../../testing/node-harness.js';
import { menuNode } from './menu.node.js';

const params = {
  prompt: { text: { 'en-GB': 'For highways press 1. For libraries press 2.' } },
  options: [
    { digit: '1', label: 'Highways' },
    { digit: '2', label: 'Libraries' },
  ],
  repeatKey: '*',
  noInput: { retries: 1 },
  noMatch: { retries: 1, prompt: { text: { 'en-GB': 'That key is not an option.' } } },
};

describe('menu node', () => {
  it('follows the option the caller presses', async () => {
    const r = await runNode(menuNode, params, { caller: [{ press: '2' }] });
    expect(r.outcome).toBe('2');
    expect(r.heard).toEqual(['For highways press 1. For libraries press 2.']);
  });

  it('lets the caller press during the question (barge-in)', async () => {
    const r = await runNode(menuNode, params, { caller: [{ press: '1' }] });
    expect(r.outcome).toBe('1');
    expect(r.events.map((e) => e.type)).toEqual(['prompt.played', 'input.digits']);
  });

  it('says the no-input prompt then the question again, and exits noInput after the last retry', async () => {
    const r = await runNode(menuNode, params, { caller: [{ silence: true }, { silence: true }] });
    expect(r.outcome).toBe('noInput');
    expect(r.heard).toEqual([
      'For highways press 1. For libraries press 2.',
      "Sorry, I didn't hear anything.",
      'For highways press 1. For libraries press 2.',
    ]);
  });

  it('re-prompts after a wrong key with its own words, then takes a right one', async () => {
    const r = await runNode(menuNode, params, { caller: [{ press: '7' }, { press: '1' }] });
    expect(r.outcome).toBe('1');
    expect(r.heard).toEqual([
      'For highways press 1. For libraries press 2.',
      'That key is not an option.',
      'For highways press 1. For libraries press 2.',
    ]);
  });

  it('exits noMatch after the last retry of wrong keys', async () => {
    const r = await runNode(menuNode, params, { caller: [{ press: '7' }, { press: '9' }] });
    expect(r.outcome).toBe('noMatch');
  });

  it('counts no-input and wrong keys separately', async () => {
    const r = await runNode(menuNode, params, { caller: [{ silence: true }, { press: '8' }, { press: '2' }] });
    expect(r.outcome).toBe('2');
  });

  it('repeats the question on the repeat key without using up a try', async () => {
    const r = await runNode(menuNode, { ...params, noMatch: { retries: 0 } }, { caller: [{ press: '*' }, { press: '*' }, { press: '1' }] });
    expect(r.outcome).toBe('1');
    expect(r.heard).toHaveLength(3);
  });

  it('reports the caller hanging up instead of choosing', async () => {
    const r = await runNode(menuNode, params, { caller: [{ hangup: true }] });
    expect(r.outcome).toBe('callerHungUp');
  });

  it('rejects a key used twice and a repeat key that is also an option', () => {
    const bad = menuNode.params.safeParse({ ...params, options: [...params.options, { digit: '1', label: 'Again' }], repeatKey: '2' });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues.map((i) => i.path.join('.'))).toEqual(['options.2.digit', 'repeatKey']);
  });

  it('has one exit per option plus noInput and noMatch', () => {
    const p = menuNode.params.parse(params);
    expect(menuNode.outcomes(p).map((o) => o.name)).toEqual(['1', '2', 'noInput', 'noMatch']);
  });
});
