import { describe, expect, it } from 'vitest';
import { callerActionSchema, parseCallerLine } from './caller-action.js';
import { mergeWorlds, worldSchema } from './world.js';

describe('caller actions', () => {
  it('read from typed lines', () => {
    expect(parseCallerLine('press 1 2 #')).toEqual({ ok: true, action: { press: '12#' } });
    expect(parseCallerLine('  say I have fallen ')).toEqual({ ok: true, action: { say: 'I have fallen' } });
    expect(parseCallerLine('wait 10')).toEqual({ ok: true, action: { wait: 10 } });
    expect(parseCallerLine('HANGUP')).toEqual({ ok: true, action: { hangup: true } });
    expect(parseCallerLine('silence')).toEqual({ ok: true, action: { silence: true } });
    expect(parseCallerLine('')).toEqual({ ok: 'blank' });
    expect(parseCallerLine('# a comment')).toEqual({ ok: 'blank' });
  });

  it('name what is wrong with a bad line', () => {
    expect(parseCallerLine('press x')).toEqual({ ok: false, message: '"press x": press must be keys 0-9, * or #' });
    expect(parseCallerLine('wait soon')).toMatchObject({ ok: false, message: expect.stringContaining('"wait soon": wait') });
    expect(parseCallerLine('say')).toMatchObject({ ok: false, message: expect.stringContaining('must not be empty') });
    expect(parseCallerLine('jump')).toMatchObject({ ok: false, message: expect.stringContaining('expected press <keys>') });
  });

  it('are checked in scripts', () => {
    expect(callerActionSchema.safeParse({ press: '1', say: 'x' }).success).toBe(false);
    expect(callerActionSchema.safeParse({ wait: -1 }).success).toBe(false);
  });
});

describe('worlds', () => {
  it('default to everything answering, and merge map by map', () => {
    expect(worldSchema.parse({})).toEqual({ destinations: {}, queues: {}, payments: 'card', http: {}, recognizer: 'text' });
    expect(worldSchema.parse({ payments: 'cancelled' }).payments).toBe('abandoned');
    const merged = worldSchema.parse(
      mergeWorlds({ queues: { highways: 'full' }, payments: 'declined' }, { queues: { libraries: { answerAfterSeconds: 5 } }, destinations: { '+441632960000': 'busy' } }),
    );
    expect(merged).toMatchObject({ queues: { highways: 'full', libraries: { answerAfterSeconds: 5 } }, payments: 'declined', destinations: { '+441632960000': 'busy' } });
  });
});
