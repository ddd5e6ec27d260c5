import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ENGLAND_AND_WALES_BANK_HOLIDAYS } from '../engine/src/core/bank-holidays.js';
import { englandAndWalesBankHolidays, renderBankHolidayModule } from './generate-bank-holidays.js';

describe('England & Wales bank-holiday table', () => {
  it('equals what the generator makes of date-holidays for 2024–2030', () => {
    const expected = englandAndWalesBankHolidays();
    expect([...ENGLAND_AND_WALES_BANK_HOLIDAYS.entries()]).toEqual(expected.map((h) => [h.date, h.name]));
  });

  it('is exactly the generated file (nobody edited it by hand)', () => {
    const committed = readFileSync(new URL('../engine/src/core/bank-holidays.ts', import.meta.url), 'utf8');
    expect(committed).toBe(renderBankHolidayModule(englandAndWalesBankHolidays()));
  });

  it('is the official England & Wales list for 2025–2030: a holiday at a weekend is replaced by its substitute weekday', () => {
    // gov.uk/bank-holidays (England and Wales), and for later years the same rules: when Christmas Day, Boxing Day
    // or New Year's Day falls at a weekend, the bank holiday is the substitute weekday, not the weekend day.
    const official: Record<number, Array<[string, string]>> = {
      2025: [['01-01', "New Year's Day"], ['04-18', 'Good Friday'], ['04-21', 'Easter Monday'], ['05-05', 'Early May bank holiday'], ['05-26', 'Spring bank holiday'], ['08-25', 'Summer bank holiday'], ['12-25', 'Christmas Day'], ['12-26', 'Boxing Day']],
      2026: [['01-01', "New Year's Day"], ['04-03', 'Good Friday'], ['04-06', 'Easter Monday'], ['05-04', 'Early May bank holiday'], ['05-25', 'Spring bank holiday'], ['08-31', 'Summer bank holiday'], ['12-25', 'Christmas Day'], ['12-28', 'Boxing Day (substitute day)']],
      2027: [['01-01', "New Year's Day"], ['03-26', 'Good Friday'], ['03-29', 'Easter Monday'], ['05-03', 'Early May bank holiday'], ['05-31', 'Spring bank holiday'], ['08-30', 'Summer bank holiday'], ['12-27', 'Christmas Day (substitute day)'], ['12-28', 'Boxing Day (substitute day)']],
      2028: [['01-03', "New Year's Day (substitute day)"], ['04-14', 'Good Friday'], ['04-17', 'Easter Monday'], ['05-01', 'Early May bank holiday'], ['05-29', 'Spring bank holiday'], ['08-28', 'Summer bank holiday'], ['12-25', 'Christmas Day'], ['12-26', 'Boxing Day']],
      2029: [['01-01', "New Year's Day"], ['03-30', 'Good Friday'], ['04-02', 'Easter Monday'], ['05-07', 'Early May bank holiday'], ['05-28', 'Spring bank holiday'], ['08-27', 'Summer bank holiday'], ['12-25', 'Christmas Day'], ['12-26', 'Boxing Day']],
      2030: [['01-01', "New Year's Day"], ['04-19', 'Good Friday'], ['04-22', 'Easter Monday'], ['05-06', 'Early May bank holiday'], ['05-27', 'Spring bank holiday'], ['08-26', 'Summer bank holiday'], ['12-25', 'Christmas Day'], ['12-26', 'Boxing Day']],
    };
    for (const [year, days] of Object.entries(official)) {
      const table = [...ENGLAND_AND_WALES_BANK_HOLIDAYS.entries()].filter(([date]) => date.startsWith(`${year}-`));
      expect(table, String(year)).toEqual(days.map(([day, name]) => [`${year}-${day}`, name]));
    }
    // The case: Saturday 26 December 2026 is an ordinary Saturday; Monday 28 December is the bank holiday.
    expect(ENGLAND_AND_WALES_BANK_HOLIDAYS.has('2026-12-26')).toBe(false);
  });

  it('includes substitute days and the late May bank holiday', () => {
    expect(ENGLAND_AND_WALES_BANK_HOLIDAYS.get('2026-12-28')).toMatch(/substitute/i);
    expect(ENGLAND_AND_WALES_BANK_HOLIDAYS.get('2027-05-31')).toBe('Spring bank holiday');
  });
});
