import { describe, expect, it } from 'vitest';
import { DEFAULT_QUEUE_SETTINGS, parseQueueSettings, targetPercentsOf } from './queue-settings.js';

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
      serviceLevel: { answeredWithinSeconds: [20, 180], shortAbandonSeconds: 5, abandonedTargetPercent: 5 },
    });
    expect(DEFAULT_QUEUE_SETTINGS.serviceLevel.targetPercents).toBeUndefined();
    expect(targetPercentsOf(DEFAULT_QUEUE_SETTINGS.serviceLevel)).toEqual([80, 95]);
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

  it('keep a council’s service-level targets, one per threshold, and the abandoned target', () => {
    const parsed = parseQueueSettings({ serviceLevel: { answeredWithinSeconds: [20, 60, 180], targetPercents: [80, 90, 97.5], abandonedTargetPercent: 3 } });
    expect(parsed).toEqual({ ok: true, settings: expect.objectContaining({ serviceLevel: { answeredWithinSeconds: [20, 60, 180], shortAbandonSeconds: 5, targetPercents: [80, 90, 97.5], abandonedTargetPercent: 3 } }) });
    if (!parsed.ok) return;
    expect(targetPercentsOf(parsed.settings.serviceLevel)).toEqual([80, 90, 97.5]);
    // A queue that names thresholds but no targets aims for 80 % at the first and 95 % at the others.
    const untargeted = parseQueueSettings({ serviceLevel: { answeredWithinSeconds: [30, 120, 300] } });
    expect(untargeted.ok && targetPercentsOf(untargeted.settings.serviceLevel)).toEqual([80, 95, 95]);
    expect(untargeted.ok && untargeted.settings.serviceLevel.abandonedTargetPercent).toBe(5);
  });

  it('refuse targets that do not pair with the thresholds, or are not percentages', () => {
    const problems = (settings: unknown) => {
      const parsed = parseQueueSettings(settings);
      return parsed.ok ? [] : parsed.problems;
    };
    expect(problems({ serviceLevel: { answeredWithinSeconds: [20, 180], targetPercents: [80] } })).toEqual(['serviceLevel.targetPercents: needs one target per threshold: 2 thresholds, 1 target']);
    expect(problems({ serviceLevel: { targetPercents: [80, 95, 99] } })).toEqual(['serviceLevel.targetPercents: needs one target per threshold: 2 thresholds, 3 targets']);
    expect(problems({ serviceLevel: { targetPercents: [0, 101] } })).toEqual([expect.stringMatching(/^serviceLevel\.targetPercents\.0: /), expect.stringMatching(/^serviceLevel\.targetPercents\.1: /)]);
    expect(problems({ serviceLevel: { abandonedTargetPercent: -1 } })).toEqual([expect.stringMatching(/^serviceLevel\.abandonedTargetPercent: /)]);
    expect(problems({ serviceLevel: { abandonedTargetPercent: 'low' } })).toEqual([expect.stringMatching(/^serviceLevel\.abandonedTargetPercent: /)]);
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
