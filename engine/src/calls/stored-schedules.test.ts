import { describe, expect, it } from 'vitest';
import type { HolidayCalendar, Schedule } from '../ports/store.js';
import { storedSchedule } from './stored-schedules.js';

const record: Schedule = {
  id: 'office',
  name: 'Council office hours',
  timezone: 'Europe/London',
  holidayCalendarId: 'council-closures',
  definition: { weekly: { monday: [{ open: '09:00', close: '17:00' }] }, exceptions: [{ date: '2026-12-24', label: 'Christmas Eve', hours: [{ open: '09:00', close: '12:00' }] }] },
  updatedAt: new Date(0),
};
const calendar: HolidayCalendar = {
  id: 'council-closures',
  name: 'Council closures',
  dates: [
    { date: '2026-12-24', name: 'Christmas Eve (closed)' },
    { date: '2026-12-29', name: 'Council closure day' },
  ],
  updatedAt: new Date(0),
};

describe('a stored schedule as calls read it', () => {
  it('takes its time zone from the row, fills in defaults, and counts the calendar’s dates as closed days unless the schedule says otherwise', () => {
    const read = storedSchedule(record, calendar)!;
    expect(read).toMatchObject({ id: 'office', name: 'Council office hours', hours: { timeZone: 'Europe/London', bankHolidays: true, weekly: { tuesday: [] } } });
    expect(read.hours.exceptions).toEqual([
      { date: '2026-12-24', label: 'Christmas Eve', hours: [{ open: '09:00', close: '12:00' }] },
      { date: '2026-12-29', label: 'Council closure day', hours: [] },
    ]);
  });

  it('is undefined when the definition cannot be read', () => {
    expect(storedSchedule({ ...record, definition: { weekly: { monday: 'all day' } } })).toBeUndefined();
  });
});
