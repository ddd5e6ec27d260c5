import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_PATTERN_INPUT, patternProblem, testSafePattern } from './safe-pattern.js';

describe('safe patterns', () => {
  it('accepts ordinary validation patterns', () => {
    expect(patternProblem('0[0-9]{9,10}')).toBeUndefined();
    expect(patternProblem('(PCN|pcn)\\d{8}')).toBeUndefined();
    expect(patternProblem('[0-9]{1000}')).toBeUndefined();
  });

  it.each(['(a)\\1', '(?=a)b', '(?<!a)b', 'a{1001}', '((a{100}){100})', '[', 'a**'])('refuses %s, which the engine cannot run', (pattern) => {
    expect(patternProblem(pattern)).toMatch(/cannot be used/);
    expect(testSafePattern(pattern, 'aaaa')).toBe(false);
  });

  it('refuses very long patterns, and patterns too big to check quickly', () => {
    expect(patternProblem('a'.repeat(201))).toMatch(/longer than 200/);
    expect(patternProblem('(?:[0-9]{0,1000})'.repeat(5))).toMatch(/too complex/);
  });

  // Issue 9: these passed the old check and then took exponential time (30 digits stopped the engine for
  // 30 s). RE2 matches in time linear in the input, so they are fine to accept — and must give the right
  // answer at once, on inputs far longer than a backtracking engine could ever finish.
  it.each([
    ['((1)+)+2', '1', '2'],
    ['(a|a)*b', 'a', 'b'],
    ['(\\d*)*x', '5', 'x'],
    ['(x+x+)+y', 'x', 'y'],
    ['(a|aa)+$', 'a', ''],
  ])('runs the catastrophic pattern %s in linear time', (pattern, unit, end) => {
    expect(patternProblem(pattern)).toBeUndefined();
    for (const length of [30, 200, MAX_PATTERN_INPUT - 1]) {
      const near = unit.repeat(length);
      // A backtracking engine explores 2^length ways to fail here.
      expect(testSafePattern(pattern, `${near}!`)).toBe(false);
      expect(testSafePattern(pattern, `${near}!`, false)).toBe(false);
      if (end !== '') expect(testSafePattern(pattern, near + end)).toBe(true);
    }
  });

  it('matches the whole text, or anywhere when asked', () => {
    expect(testSafePattern('\\d{4}', '1234')).toBe(true);
    expect(testSafePattern('\\d{4}', '12345')).toBe(false);
    expect(testSafePattern('\\d{4}', 'ref 12345', false)).toBe(true);
    expect(testSafePattern('fallen|fell', 'I have fallen over', false)).toBe(true);
  });

  it('only looks at a bounded prefix of long input', () => {
    expect(testSafePattern('a*', 'a'.repeat(MAX_PATTERN_INPUT) + 'b')).toBe(true);
  });

  it('never throws, whatever the designer types (property-based)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40, unit: fc.constantFrom(...'()[]{}+*?|\\^$.0123456789ab,-') }), fc.string({ maxLength: 30 }), (pattern, text) => {
        const problem = patternProblem(pattern);
        expect(typeof testSafePattern(pattern, text)).toBe('boolean');
        expect(typeof testSafePattern(pattern, text, false)).toBe('boolean');
        if (problem) expect(testSafePattern(pattern, text)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});
