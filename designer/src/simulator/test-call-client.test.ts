import { describe, expect, it } from 'vitest';
import { nextBankHoliday, nextSaturdayLate } from './test-call-client.js';

describe('test call clock presets', () => {
  it('finds the next Saturday at 23:30 (a week on when it is Saturday already)', () => {
    expect(nextSaturdayLate(new Date(2026, 10, 23, 9, 0))).toBe('2026-11-28T23:30'); // a Monday
    expect(nextSaturdayLate(new Date(2026, 10, 28, 9, 0))).toBe('2026-12-05T23:30'); // a Saturday
  });

  it('finds the next bank holiday at 10:00 from the engine’s table, never a Christmas Day at a weekend', () => {
    expect(nextBankHoliday(new Date(2026, 10, 23))).toEqual({ at: '2026-12-25T10:00', name: 'Christmas Day' });
    // Boxing Day 2026 is a Saturday: the next bank holiday after Christmas Day is Monday 28 December.
    expect(nextBankHoliday(new Date(2026, 11, 26))).toEqual({ at: '2026-12-28T10:00', name: 'Boxing Day (substitute day)' });
    // Christmas 2027 falls at a weekend: the bank holiday is the substitute Monday.
    expect(nextBankHoliday(new Date(2027, 11, 1))).toEqual({ at: '2027-12-27T10:00', name: 'Christmas Day (substitute day)' });
  });
});
