import { describe, expect, it } from 'vitest';
import { runNode } from '../../../testing/node-harness.js';
import { findKeywords } from '../../keywords.js';
import { matchConfidence, speechNode } from './speech.node.js';

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

  it('does not route on a negated flagged word', async () => {
    const r = await runNode(speechNode, params, { caller: [{ say: "I haven't fallen, it's a street light" }] });
    expect(r.outcome).toBe('highways');
    expect(r.events.find((e) => e.type === 'input.speech')?.data).toMatchObject({ heard: 'street light, not: fallen' });
  });

  it('routes a confident safeguarding match at once, with confirmation on', async () => {
    const r = await runNode(speechNode, { ...params, confirm: { enabled: true } }, { caller: [{ say: 'my mum fell', confidence: 0.9 }] });
    expect(r).toMatchObject({ outcome: 'safeguarding', set: { vulnerable: true } });
    expect(r.heard).toEqual(['Please tell us what you are calling about.']);
  });

  describe('doubtful safeguarding matches, with confirmation on', () => {
    const confirming = { ...params, confirm: { enabled: true, belowConfidence: 0.8 } };
    const asked = expect.stringContaining('It sounds like someone may be hurt or at risk');

    it('asks, and routes to safeguarding on yes or 1', async () => {
      const spoken = await runNode(speechNode, confirming, { caller: [{ say: 'my mum fell', confidence: 0.4 }, { say: 'yes please' }] });
      expect(spoken).toMatchObject({ outcome: 'safeguarding', set: { vulnerable: true, priority: 10 } });
      expect(spoken.heard).toEqual(['Please tell us what you are calling about.', asked]);
      const pressed = await runNode(speechNode, confirming, { caller: [{ say: 'my mum fell', confidence: 0.4 }, { press: '1' }] });
      expect(pressed.outcome).toBe('safeguarding');
    });

    it('puts a caller who does not answer through: they may be the one at risk', async () => {
      const r = await runNode(speechNode, confirming, { caller: [{ say: 'not safe', confidence: 0.6 }, { silence: true }] });
      expect(r.outcome).toBe('safeguarding');
    });

    it('on no, takes the other service named, or asks again', async () => {
      const other = await runNode(speechNode, confirming, { caller: [{ say: 'a pothole, I fell in it', confidence: 0.6 }, { say: 'no' }] });
      expect(other).toMatchObject({ outcome: 'highways' });
      expect(other.set).not.toHaveProperty('vulnerable');
      const again = await runNode(speechNode, confirming, { caller: [{ say: 'I fell', confidence: 0.6 }, { press: '2' }, { say: 'blue badge' }] });
      expect(again.outcome).toBe('blue-badge');
      expect(again.heard).toEqual(['Please tell us what you are calling about.', asked, "Sorry, that isn't one of the options.", 'Please tell us what you are calling about.']);
    });

    it('asks even below the minimum confidence, so a mumbled safeguarding word is not lost', async () => {
      const r = await runNode(speechNode, { ...confirming, minConfidence: 0.5 }, { caller: [{ say: 'abuse', confidence: 0.2 }, { say: 'yes' }] });
      expect(r.outcome).toBe('safeguarding');
    });
  });

  it('without confirmation, a doubtful safeguarding match is not understood (asked again), never routed', async () => {
    const r = await runNode(speechNode, { ...params, minConfidence: 0.5 }, { caller: [{ say: 'I fell', confidence: 0.3 }, { press: '2' }] });
    expect(r.outcome).toBe('blue-badge');
    expect(r.heard[1]).toBe("Sorry, that isn't one of the options.");
  });

  describe('keypad fallback', () => {
    const withKeypad = {
      ...params,
      groups: params.groups.map((g) => (g.vulnerable ? { ...g, digit: '8' } : g)),
      keypad: { prompt: { text: { 'en-GB': 'Press 1 for roads, 2 for blue badges. If someone is at risk of harm, press 8.' } } },
    };

    it('offers the keys after speech was not understood, safeguarding among them', async () => {
      const r = await runNode(speechNode, withKeypad, { caller: [{ say: 'the weather' }, { say: 'something else' }, { press: '8' }] });
      expect(r).toMatchObject({ outcome: 'safeguarding', set: { vulnerable: true, intent: 'safeguarding' } });
      expect(r.heard.at(-1)).toBe('Press 1 for roads, 2 for blue badges. If someone is at risk of harm, press 8.');
    });

    it('offers the keys to a silent caller', async () => {
      const r = await runNode(speechNode, withKeypad, { caller: [{ silence: true }, { silence: true }, { press: '1' }] });
      expect(r.outcome).toBe('highways');
    });

    it('offers the keys at once when the speech service fails, and says why in the log', async () => {
      const r = await runNode(speechNode, withKeypad, { caller: [{ say: 'pothole' }, { press: '2' }], world: { recognizer: 'unavailable' } });
      expect(r.outcome).toBe('blue-badge');
      expect(r.events.find((e) => e.type === 'input.speech')?.data).toMatchObject({ error: expect.stringContaining('cannot be reached') });
    });

    it('exits noInput or noMatch when the keys are not pressed either', async () => {
      const r = await runNode(speechNode, withKeypad, { caller: [{ silence: true }, { silence: true }, { silence: true }, { silence: true }] });
      expect(r.outcome).toBe('noInput');
    });

    it('without a keypad fallback, a failed speech service exits noMatch (not an error)', async () => {
      const r = await runNode(speechNode, params, { caller: [{ say: 'pothole' }], world: { recognizer: 'unavailable' } });
      expect(r.outcome).toBe('noMatch');
    });

    it('needs a key for every safeguarding group', () => {
      const bad = speechNode.params.safeParse({ ...params, keypad: withKeypad.keypad });
      expect(bad.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([
        'groups.2.digit: the keypad fallback needs a key for safeguarding, so a caller who cannot say it can press it',
      ]);
    });
  });

  it('hears synonyms the designer lists', async () => {
    const r = await runNode(speechNode, { ...params, synonyms: [['pothole', 'hole in the road']] }, { caller: [{ say: 'there is a hole in the road' }] });
    expect(r.outcome).toBe('highways');
  });

  describe('matchConfidence', () => {
    const groups = [{ outcome: 'safeguarding', phrases: ['not safe', 'fallen'] }];
    const recognition = (transcript: string, confidences: number[]) => ({
      kind: 'transcript' as const,
      transcript,
      confidence: 0.9,
      words: transcript.split(' ').map((word, i) => ({ word, confidence: confidences[i]! })),
    });

    it('is the least confident of the matched words, words between left out', () => {
      const heard = recognition('i do not really feel safe', [0.9, 0.9, 0.7, 0.1, 0.2, 0.8]);
      expect(matchConfidence(heard, findKeywords(heard.transcript, groups).match!)).toBe(0.7);
    });

    it("lines up words the matcher splits (\"can't\" is two) with the recogniser's words", () => {
      const heard = recognition("i can't say she's fallen", [0.9, 0.4, 0.9, 0.8, 0.6]);
      expect(matchConfidence(heard, findKeywords(heard.transcript, groups).match!)).toBe(0.6);
    });

    it("falls back to the utterance's confidence without word confidences", () => {
      const heard = { kind: 'transcript' as const, transcript: 'fallen', confidence: 0.42 };
      expect(matchConfidence(heard, findKeywords(heard.transcript, groups).match!)).toBe(0.42);
    });
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
