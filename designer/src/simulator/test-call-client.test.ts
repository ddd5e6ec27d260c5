import { describe, expect, it } from 'vitest';
import { christmasMorning, nextSaturdayLate } from './test-call-client.js';

describe('test call clock presets', () => {
  it('finds the next Saturday at 23:30 (a week on when it is Saturday already)', () => {
    expect(nextSaturdayLate(new Date(2026, 10, 23, 9, 0))).toBe('2026-11-28T23:30'); // a Monday
    expect(nextSaturdayLate(new Date(2026, 10, 28, 9, 0))).toBe('2026-12-05T23:30'); // a Saturday
  });

  it('finds Christmas Day 10:00, next year once this one has gone', () => {
    expect(christmasMorning(new Date(2026, 10, 23))).toBe('2026-12-25T10:00');
    expect(christmasMorning(new Date(2026, 11, 27))).toBe('2027-12-25T10:00');
  });
});
