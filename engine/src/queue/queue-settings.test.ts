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
});
