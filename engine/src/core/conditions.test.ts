import { describe, expect, it } from 'vitest';
import { compare, comparisonSchema, holds } from './conditions.js';

const c = (raw: unknown) => comparisonSchema.parse(raw);

describe('conditions as data', () => {
  const vars = { age: '67', amount: 1250, name: 'Mrs Jones', vulnerable: true, empty: '', reference: 'PCN12345678' };

  it.each([
    [{ var: 'age', op: 'ge', value: 65 }, true],
    [{ var: 'age', op: 'lt', value: 65 }, false],
    [{ var: 'amount', op: 'eq', value: '1250' }, true],
    [{ var: 'amount', op: 'gt', value: 999 }, true],
    [{ var: 'amount', op: 'le', value: 1250 }, true],
    [{ var: 'name', op: 'contains', value: 'jones' }, true],
    [{ var: 'name', op: 'startsWith', value: 'mrs' }, true],
    [{ var: 'name', op: 'endsWith', value: 'smith' }, false],
    [{ var: 'name', op: 'ne', value: 'Mr Jones' }, true],
    [{ var: 'reference', op: 'matches', value: '^PCN\\d{8}$' }, true],
    [{ var: 'vulnerable', op: 'isTrue' }, true],
    [{ var: 'vulnerable', op: 'eq', value: true }, true],
    [{ var: 'empty', op: 'isEmpty' }, true],
    [{ var: 'missing', op: 'isEmpty' }, true],
    [{ var: 'missing', op: 'eq', value: null }, true],
    [{ var: 'name', op: 'isNotEmpty' }, true],
    [{ var: 'name', op: 'gt', value: 3 }, false],
    [{ var: 'name', op: 'isFalse' }, false],
  ])('%j → %s', (raw, expected) => {
    expect(compare(c(raw), vars)).toBe(expected);
  });

  it('combines comparisons with all / any', () => {
    const comparisons = [c({ var: 'age', op: 'ge', value: 65 }), c({ var: 'name', op: 'contains', value: 'smith' })];
    expect(holds({ match: 'all', comparisons }, vars)).toBe(false);
    expect(holds({ match: 'any', comparisons }, vars)).toBe(true);
  });

  it('needs a value for comparing ops and a pattern the engine can run for matches', () => {
    const missing = comparisonSchema.safeParse({ var: 'age', op: 'gt' });
    expect(missing.error?.issues[0]).toMatchObject({ path: ['value'], message: '"gt" needs a value to compare with' });
    const backReference = comparisonSchema.safeParse({ var: 'ref', op: 'matches', value: '(a)\\1' });
    expect(backReference.error?.issues[0]).toMatchObject({ path: ['value'], message: expect.stringMatching(/cannot be used/) });
    const broken = comparisonSchema.safeParse({ var: 'ref', op: 'matches', value: '([' });
    expect(broken.error?.issues[0]?.message).toMatch(/cannot be used/);
  });

  // Issue 9: "(a|a)*b" passed the old check and took exponential time on a caller's words.
  it('runs a catastrophic pattern on a long transcript at once, with the right answer', () => {
    const comparison = c({ var: 'said', op: 'matches', value: '(a|a)*b' });
    expect(compare(comparison, { said: `${'a'.repeat(999)}!` })).toBe(false);
    expect(compare(comparison, { said: `${'a'.repeat(998)}b` })).toBe(true);
  });
});
