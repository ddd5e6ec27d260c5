import { describe, expect, it } from 'vitest';
import { runNode } from '../../../testing/node-harness.js';
import { collectDigitsNode } from './collect-digits.node.js';

const params = {
  prompt: { text: { 'en-GB': 'Enter your 5-digit case number, then press hash.' } },
  variable: 'caseRef',
  minDigits: 5,
  maxDigits: 5,
  pattern: '[1-9][0-9]{4}',
  retries: 1,
};

describe('collect-digits node', () => {
  it('stores a valid entry in the variable, without the terminator', async () => {
    const r = await runNode(collectDigitsNode, { ...params, maxDigits: 8 }, { caller: [{ press: '12345#' }] });
    expect(r).toMatchObject({ outcome: 'done', set: { caseRef: '12345' } });
  });

  it('reads the entry back and continues when the caller presses 1', async () => {
    const r = await runNode(collectDigitsNode, { ...params, confirm: { enabled: true } }, { caller: [{ press: '12345' }, { press: '1' }] });
    expect(r.outcome).toBe('done');
    expect(r.heard).toEqual(['Enter your 5-digit case number, then press hash.', 'You entered 1 2 3 4 5. Press 1 if correct, 2 to try again.']);
  });

  it('asks again when the caller presses 2 at the read-back, and keeps the new entry', async () => {
    const r = await runNode(collectDigitsNode, { ...params, confirm: { enabled: true } }, {
      caller: [{ press: '12345' }, { press: '2' }, { press: '54321' }, { press: '1' }],
    });
    expect(r).toMatchObject({ outcome: 'done', set: { caseRef: '54321' } });
    expect(r.heard.filter((h) => h.startsWith('You entered'))).toEqual([
      'You entered 1 2 3 4 5. Press 1 if correct, 2 to try again.',
      'You entered 5 4 3 2 1. Press 1 if correct, 2 to try again.',
    ]);
  });

  it('is invalid after the last retry when the entry never matches the pattern', async () => {
    const r = await runNode(collectDigitsNode, params, { caller: [{ press: '01234' }, { press: '0000#' }] });
    expect(r.outcome).toBe('invalid');
    expect(r.set).toEqual({});
    expect(r.heard).toEqual(['Enter your 5-digit case number, then press hash.', "Sorry, that number isn't valid.", 'Enter your 5-digit case number, then press hash.']);
  });

  it('is noInput when nothing is pressed, after saying so and asking again', async () => {
    const r = await runNode(collectDigitsNode, params, { caller: [{ silence: true }, { silence: true }] });
    expect(r.outcome).toBe('noInput');
    expect(r.heard[1]).toBe("Sorry, I didn't hear anything.");
  });

  it('accepts a good entry on the retry', async () => {
    const r = await runNode(collectDigitsNode, params, { caller: [{ silence: true }, { press: '98765' }] });
    expect(r).toMatchObject({ outcome: 'done', set: { caseRef: '98765' } });
  });

  it('rejects params that cannot work: min above max, and a pattern the engine cannot run', () => {
    const bad = collectDigitsNode.params.safeParse({ ...params, minDigits: 9, pattern: '([0-9])\\1' });
    expect(bad.error?.issues.map((i) => i.path.join('.'))).toEqual(['maxDigits', 'pattern']);
  });

  // Issue 9: "((1)+)+2" on 30 digits stopped every call and the API for 30 s (backtracking RegExp).
  it('checks 32 digits against a catastrophic pattern at once, and asks again', async () => {
    const evil = { ...params, minDigits: 1, maxDigits: 32, pattern: '((1)+)+2', retries: 0 };
    const r = await runNode(collectDigitsNode, evil, { caller: [{ press: `${'1'.repeat(31)}3` }] });
    expect(r.outcome).toBe('invalid');
    const ok = await runNode(collectDigitsNode, evil, { caller: [{ press: `${'1'.repeat(31)}2` }] });
    expect(ok).toMatchObject({ outcome: 'done', set: { caseRef: `${'1'.repeat(31)}2` } });
  });

  it('checks the read-back prompt in every language only when confirmation is on', () => {
    const off = collectDigitsNode.params.parse(params);
    const on = collectDigitsNode.params.parse({ ...params, confirm: { enabled: true } });
    expect(collectDigitsNode.traits.prompts(off).map((p) => p.field)).not.toContain('confirm.prompt');
    expect(collectDigitsNode.traits.prompts(on).map((p) => p.field)).toContain('confirm.prompt');
  });
});
