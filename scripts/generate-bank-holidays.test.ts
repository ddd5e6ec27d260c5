import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ENGLAND_AND_WALES_BANK_HOLIDAYS } from '../engine/src/core/bank-holidays.js';
import { englandAndWalesBankHolidays, renderBankHolidayModule } from './generate-bank-holidays.js';

describe('England & Wales bank-holiday table', () => {
  it('equals what date-holidays says for 2024–2030', () => {
    const expected = englandAndWalesBankHolidays();
    expect([...ENGLAND_AND_WALES_BANK_HOLIDAYS.entries()]).toEqual(expected.map((h) => [h.date, h.name]));
  });

  it('is exactly the generated file (nobody edited it by hand)', () => {
    const committed = readFileSync(new URL('../engine/src/core/bank-holidays.ts', import.meta.url), 'utf8');
    expect(committed).toBe(renderBankHolidayModule(englandAndWalesBankHolidays()));
  });

  it('includes substitute days and the late May bank holiday', () => {
    expect(ENGLAND_AND_WALES_BANK_HOLIDAYS.get('2026-12-28')).toMatch(/substitute/i);
    expect(ENGLAND_AND_WALES_BANK_HOLIDAYS.get('2027-05-31')).toBe('Spring bank holiday');
  });
});
