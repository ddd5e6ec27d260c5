import { describe, expect, it } from 'vitest';
import { runNode } from '../../../testing/node-harness.js';
import { speechNode } from './speech.node.js';

const params = {
  prompt: { text: { 'en-GB': 'Please tell us what you are calling about.' } },
  groups: [
    { label: 'Highways', outcome: 'highways', phrases: ['pothole', 'street light'], digit: '1' },
    { label: 'Blue badge', outcome: 'blue-badge', phrases: ['blue badge'], digit: '2' },
    { label: 'Safeguarding', outcome: 'safeguarding', phrases: ['fallen', 'not safe', 'abuse'], vulnerable: true },
  ],
  noInput: { retries: 1 },
  noMatch: { retries: 1 },
};

describe('speech node', () => {
  it('reads version 1 params: waits in milliseconds become seconds, an unlabelled group is named after its exit', async () => {
    const { nodeDefinition } = await import('../../catalogue.js');
    const v1 = nodeDefinition('speech', 1)!;
    const parsed = v1.params.parse({ prompt: params.prompt, groups: [{ outcome: 'highways', phrases: ['pothole'] }], noInputTimeoutMs: 7000, maxSpeechMs: 20_000 });
    expect(parsed).toMatchObject({ noInputTimeoutSeconds: 7, maxSpeechSeconds: 20, groups: [{ label: 'highways', outcome: 'highways' }] });
  });

  it('routes by a flagged word and stores what was said and the group', async () => {
    const r = await runNode(speechNode, params, { caller: [{ say: 'There are POTHOLES on my road!' }] });
    expect(r).toMatchObject({ outcome: 'highways', set: { transcript: 'There are POTHOLES on my road!', intent: 'highways' } });
    expect(r.set).not.toHaveProperty('vulnerable');
    expect(r.events.map((e) => e.type)).toEqual(['prompt.played', 'input.speech']);
  });

  it('fast-tracks vulnerable callers: vulnerable=true and the priority variable', async () => {
    const r = await runNode(speechNode, { ...params, vulnerablePriority: 50 }, { caller: [{ say: 'my dad has fallen and needs a blue badge' }] });
    expect(r).toMatchObject({ outcome: 'safeguarding', set: { vulnerable: true, priority: 50, intent: 'safeguarding' } });
  });

  it('accepts a key instead of speech (DTMF fallback)', async () => {
    const r = await runNode(speechNode, params, { caller: [{ press: '2' }] });
    expect(r).toMatchObject({ outcome: 'blue-badge', set: { intent: 'blue-badge', transcript: '' } });
  });

  it('asks again after words it does not recognise, then exits noMatch keeping the transcript', async () => {
    const r = await runNode(speechNode, params, { caller: [{ say: 'the weather' }, { say: 'something else entirely' }] });
    expect(r).toMatchObject({ outcome: 'noMatch', set: { transcript: 'something else entirely' } });
    expect(r.heard).toEqual([
      'Please tell us what you are calling about.',
      "Sorry, that isn't one of the options.",
      'Please tell us what you are calling about.',
    ]);
  });

  it('treats a key that belongs to no group as no match', async () => {
    const r = await runNode(speechNode, params, { caller: [{ press: '9' }, { say: 'street light' }] });
    expect(r.outcome).toBe('highways');
  });

  it('counts a recognition below the confidence threshold as not understood', async () => {
    // The simulated recogniser is 95% sure of what it hears.
    const r = await runNode(speechNode, { ...params, minConfidence: 0.99, noMatch: { retries: 0 } }, { caller: [{ say: 'pothole' }] });
    expect(r).toMatchObject({ outcome: 'noMatch', set: { transcript: 'pothole' } });
  });

  it('exits noInput after silence on every try', async () => {
    const r = await runNode(speechNode, params, { caller: [{ silence: true }, { silence: true }] });
    expect(r.outcome).toBe('noInput');
  });

  it('rejects two groups with one exit, a built-in exit name and a key used twice', () => {
    const bad = speechNode.params.safeParse({
      ...params,
      groups: [...params.groups, { label: 'Roads', outcome: 'highways', phrases: ['road'], digit: '1' }, { label: 'Other', outcome: 'noMatch', phrases: ['x'] }],
    });
    expect(bad.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([
      'groups.3.outcome: two groups lead to "highways"',
      'groups.4.outcome: "noMatch" is a built-in exit',
      'groups.3.digit: key 1 is used by two groups',
    ]);
  });
});
