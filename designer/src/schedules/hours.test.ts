import { describe, expect, it } from 'vitest';
import { hoursFrom, hoursProblems, hoursSummary } from './hours.js';

const office = { open: '08:30', close: '17:30' };

describe('opening hours on the Schedules screen', () => {
  it('sum up a week with days of the same hours run together', () => {
    const hours = hoursFrom({ weekly: { monday: [office], tuesday: [office], wednesday: [office], thursday: [office], friday: [{ open: '08:30', close: '17:00' }] } });
    expect(hoursSummary(hours.weekly)).toBe('Mon–Thu 08:30–17:30 · Fri 08:30–17:00 · Sat–Sun closed');
    expect(hoursSummary(hoursFrom({ weekly: Object.fromEntries(['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'].map((d) => [d, [{ open: '00:00', close: '24:00' }]])) }).weekly)).toBe('Every day 24 hours');
    expect(hoursFrom(undefined)).toMatchObject({ bankHolidays: true, exceptions: [], weekly: { sunday: [] } });
  });

  it('name what is wrong before saving: hours that close before they open, overlaps, two exceptions on one day', () => {
    const hours = hoursFrom({
      weekly: { monday: [{ open: '17:00', close: '09:00' }], tuesday: [office, { open: '12:00', close: '13:00' }] },
      exceptions: [{ date: '2026-12-24', label: 'Christmas Eve', hours: [] }, { date: '2026-12-24', hours: [] }],
    });
    expect(hoursProblems(hours)).toEqual([
      'Monday: 17:00–09:00 closes before it opens (split overnight hours across two days)',
      'Tuesday: 08:30–17:30 and 12:00–13:00 overlap',
      '2026-12-24 has two exceptions',
    ]);
  });
});
