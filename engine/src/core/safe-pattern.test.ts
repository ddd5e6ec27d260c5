import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_PATTERN_INPUT, patternProblem, testSafePattern } from './safe-pattern.js';

describe('safe patterns', () => {
  it('accepts ordinary validation patterns', () => {
    expect(patternProblem('0[0-9]{9,10}')).toBeUndefined();
    expect(patternProblem('(PCN|pcn)\\d{8}')).toBeUndefined();
  });

  it.each(['(a+)+', '(\\d*)*x', '(x|y+){2,}', '(a)\\1', '['])('refuses %s', (pattern) => {
    expect(patternProblem(pattern)).toBeDefined();
    expect(testSafePattern(pattern, 'aaaa')).toBe(false);
  });

  it('refuses very long patterns', () => {
    expect(patternProblem('a'.repeat(201))).toMatch(/longer than 200/);
  });

  it('matches the whole text, or anywhere when asked', () => {
    expect(testSafePattern('\\d{4}', '1234')).toBe(true);
    expect(testSafePattern('\\d{4}', '12345')).toBe(false);
    expect(testSafePattern('\\d{4}', 'ref 12345', false)).toBe(true);
  });

  it('only looks at a bounded prefix of long input', () => {
    expect(testSafePattern('a*', 'a'.repeat(MAX_PATTERN_INPUT) + 'b')).toBe(true);
  });

  it('never throws, whatever the designer types (property-based)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40, unit: fc.constantFrom(...'()[]{}+*?|\\^$.0123456789ab,-') }), fc.string({ maxLength: 30 }), (pattern, text) => {
        const problem = patternProblem(pattern);
        expect(typeof testSafePattern(pattern, text)).toBe('boolean');
        if (problem) expect(testSafePattern(pattern, text)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});
