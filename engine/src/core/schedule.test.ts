import { describe, expect, it } from 'vitest';
import { localTime, scheduleSchema, scheduleState } from './schedule.js';

const officeHours = scheduleSchema.parse({
  weekly: {
    monday: [{ open: '08:30', close: '17:00' }],
    tuesday: [{ open: '08:30', close: '17:00' }],
    wednesday: [{ open: '08:30', close: '12:30' }, { open: '13:30', close: '17:00' }],
    thursday: [{ open: '08:30', close: '17:00' }],
    friday: [{ open: '08:30', close: '16:30' }],
    saturday: [{ open: '09:00', close: '12:00' }],
  },
  exceptions: [
    { date: '2026-12-24', label: 'Christmas Eve', hours: [{ open: '09:00', close: '12:00' }] },
    { date: '2026-06-10', label: 'Staff training day' },
  ],
});
const at = (iso: string) => scheduleState(officeHours, Date.parse(iso)).state;

describe('opening hours', () => {
  it('is open inside the weekly hours and closed outside them, in London time', () => {
    expect(at('2026-01-07T10:00:00Z')).toBe('open'); // Wednesday 10:00 GMT
    expect(at('2026-01-07T12:45:00Z')).toBe('closed'); // lunch
    expect(at('2026-01-07T17:00:00Z')).toBe('closed'); // closing time is closed
    expect(at('2026-01-11T10:00:00Z')).toBe('closed'); // Sunday
  });

  it('follows the clocks changing (BST)', () => {
    // Monday 2026-03-30, BST: 07:45 UTC is 08:45 local (open); in GMT it would be 07:45 (closed).
    expect(at('2026-03-30T07:45:00Z')).toBe('open');
    // Friday 2026-10-23 (BST): 15:45 UTC is 16:45 local, after Friday closing.
    expect(at('2026-10-23T15:45:00Z')).toBe('closed');
    // Monday 2026-10-26 (GMT again): 08:15 UTC is 08:15 local, before opening.
    expect(at('2026-10-26T08:15:00Z')).toBe('closed');
    expect(at('2026-10-26T08:30:00Z')).toBe('open');
  });

  it('gives the local date and weekday across the clocks going forward at 01:00 UTC', () => {
    expect(localTime(Date.parse('2026-03-29T00:59:00Z'), 'Europe/London')).toEqual({ date: '2026-03-29', weekday: 'sunday', time: '00:59' });
    expect(localTime(Date.parse('2026-03-29T01:00:00Z'), 'Europe/London')).toEqual({ date: '2026-03-29', weekday: 'sunday', time: '02:00' });
  });

  it('is a holiday all day on an England & Wales bank holiday, even at 23:30', () => {
    expect(scheduleState(officeHours, Date.parse('2026-05-25T09:00:00Z'))).toMatchObject({ state: 'holiday', label: 'Spring bank holiday' });
    // 23:30 BST on the Summer bank holiday is 22:30 UTC
    expect(scheduleState(officeHours, Date.parse('2026-08-31T22:30:00Z'))).toMatchObject({ state: 'holiday', label: 'Summer bank holiday' });
    // Boxing Day 2026 is a Saturday: an ordinary (open) Saturday morning; the bank holiday is Monday 28 December.
    expect(at('2026-12-26T10:00:00Z')).toBe('open');
    expect(scheduleState(officeHours, Date.parse('2026-12-28T10:00:00Z'))).toMatchObject({ state: 'holiday', label: 'Boxing Day (substitute day)' });
    // ...and 00:30 BST the next day is an ordinary Tuesday night: closed
    expect(at('2026-08-31T23:30:00Z')).toBe('closed');
  });

  it('uses dated exceptions before bank holidays and weekly hours', () => {
    expect(scheduleState(officeHours, Date.parse('2026-06-10T10:00:00Z'))).toMatchObject({ state: 'holiday', label: 'Staff training day' });
    expect(at('2026-12-24T10:00:00Z')).toBe('open');
    expect(at('2026-12-24T13:00:00Z')).toBe('closed');
  });

  it('can ignore bank holidays', () => {
    const always = scheduleSchema.parse({ ...officeHours, bankHolidays: false });
    expect(scheduleState(always, Date.parse('2026-05-25T09:00:00Z')).state).toBe('open');
  });

  it('works in other IANA zones', () => {
    const belfast = scheduleSchema.parse({ timeZone: 'America/New_York', weekly: { wednesday: [{ open: '09:00', close: '17:00' }] }, bankHolidays: false });
    expect(scheduleState(belfast, Date.parse('2026-01-07T15:00:00Z')).state).toBe('open'); // 10:00 in New York
    expect(scheduleState(belfast, Date.parse('2026-01-07T13:00:00Z')).state).toBe('closed'); // 08:00 in New York
  });

  it('rejects unknown zones, bad times and ranges that close before they open', () => {
    const bad = scheduleSchema.safeParse({ timeZone: 'Europe/Londn', weekly: { monday: [{ open: '17:00', close: '09:00' }, { open: '9am', close: '24:00' }] } });
    expect(bad.error?.issues.map((i) => i.path.join('.'))).toEqual(['timeZone', 'weekly.monday.0.close', 'weekly.monday.1.open']);
  });
});
