import { describe, expect, it } from 'vitest';
import { DEFAULT_QUEUE_SETTINGS, parseQueueSettings } from './queue-settings.js';

describe('queue settings', () => {
  it('fill every default when nothing is stored', () => {
    expect(DEFAULT_QUEUE_SETTINGS).toMatchObject({
      maxWaitSeconds: 900,
      overflow: { kind: 'none' },
      treatment: { announceEverySeconds: 45, announcePosition: true, announceWait: true, periodicMessages: [] },
      callback: { enabled: false, key: '1', maxAttempts: 3 },
      wrapUpSeconds: 30,
      ringTimeoutSeconds: 20,
      maxMissedOffers: 3,
      serviceLevel: { answeredWithinSeconds: [20, 180], shortAbandonSeconds: 5 },
    });
    expect(parseQueueSettings(undefined)).toEqual({ ok: true, settings: DEFAULT_QUEUE_SETTINGS });
  });

  it('keep what is given and fill the rest', () => {
    const parsed = parseQueueSettings({ overflow: { kind: 'queue', queueId: 'customer-services' }, callback: { enabled: true }, messageKey: '2' });
    expect(parsed).toMatchObject({ ok: true, settings: { overflow: { kind: 'queue', queueId: 'customer-services' }, callback: { enabled: true, offerAfterSeconds: 60 }, messageKey: '2' } });
  });

  it('name every field that is wrong', () => {
    const parsed = parseQueueSettings({ maxWaitSeconds: 5, overflow: { kind: 'queue' }, treatment: { announceEverySeconds: 'often' }, nonsense: true });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problems.join('\n')).toMatch(/maxWaitSeconds: /);
    expect(parsed.problems.join('\n')).toMatch(/overflow.queueId: /);
    expect(parsed.problems.join('\n')).toMatch(/treatment.announceEverySeconds: /);
    expect(parsed.problems.join('\n')).toMatch(/nonsense/);
  });

  it('do not listen to waiting callers unless asked; a queue that listens starts with the council’s safeguarding words', () => {
    expect(DEFAULT_QUEUE_SETTINGS.listening).toMatchObject({ enabled: false, priority: 10, minConfidence: 0.5, confirmBelowConfidence: 0.8, maxSpeechSeconds: 10 });
    const parsed = parseQueueSettings({ listening: { enabled: true, priority: 100 } });
    expect(parsed).toMatchObject({ ok: true, settings: { listening: { enabled: true, priority: 100 } } });
    if (!parsed.ok) return;
    expect(parsed.settings.listening.phrases).toEqual(expect.arrayContaining(['fallen', 'not safe', 'self harm']));
    expect(parsed.settings.listening.notPhrases).toContain('fallen behind');
    const bad = parseQueueSettings({ listening: { enabled: 'yes', priority: 0, phrases: [''], minConfidence: 2 } });
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    for (const field of ['listening.enabled', 'listening.priority', 'listening.phrases.0', 'listening.minConfidence']) expect(bad.problems.join('\n')).toContain(`${field}: `);
  });
});
