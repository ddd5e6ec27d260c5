import { z } from 'zod';
import { BANK_HOLIDAY_YEARS, ENGLAND_AND_WALES_BANK_HOLIDAYS } from './bank-holidays.js';

/**
 * Opening hours: weekly hours per weekday (several ranges a day), dated exceptions (closed, or
 * special hours) and England & Wales bank holidays, in an IANA time zone. Times are local wall
 * clock times; the zone conversion (including the clocks changing) is Intl.DateTimeFormat's.
 */
export const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const CLOCK_TIME = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;
const clockTime = z.string().regex(CLOCK_TIME, 'must be a time like 09:00 (24:00 for midnight at the end of the day)');

export const openingRangeSchema = z
  .strictObject({
    open: clockTime.describe('Opens at (local time, HH:MM)'),
    close: clockTime.describe('Closes at (local time, HH:MM; 24:00 for the end of the day)'),
  })
  .refine((r) => !CLOCK_TIME.test(r.open) || !CLOCK_TIME.test(r.close) || r.close > r.open, { message: 'must close after it opens (split overnight hours across two days)', path: ['close'] })
  .describe('Opening hours');
export type OpeningRange = z.output<typeof openingRangeSchema>;

const dayHours = z.array(openingRangeSchema).max(6).default([]);

export const isValidTimeZone = (zone: string): boolean => {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

export const scheduleSchema = z.strictObject({
  timeZone: z
    .string()
    .refine(isValidTimeZone, 'must be an IANA time zone like Europe/London')
    .default('Europe/London')
    .describe('Time zone the hours are in'),
  weekly: z
    .strictObject(Object.fromEntries(WEEKDAYS.map((d) => [d, dayHours.describe(`Hours on ${d}`)])) as Record<Weekday, typeof dayHours>)
    .default({ monday: [], tuesday: [], wednesday: [], thursday: [], friday: [], saturday: [], sunday: [] })
    .describe('Weekly opening hours; a day with no hours is closed'),
  exceptions: z
    .array(
      z.strictObject({
        date: z.iso.date().describe('The day (YYYY-MM-DD, local)'),
        label: z.string().max(120).optional().describe('e.g. "Staff training day"'),
        hours: z.array(openingRangeSchema).max(6).default([]).describe('Hours that day; none means closed all day (holiday)'),
      }),
    )
    .max(366)
    .default([])
    .describe('Dated exceptions: closed days or special hours, taking precedence over everything else'),
  bankHolidays: z
    .boolean()
    .default(true)
    .describe(`Closed on England & Wales bank holidays (holiday); the table covers ${BANK_HOLIDAY_YEARS.first}–${BANK_HOLIDAY_YEARS.last}: add later ones as exceptions or regenerate it`),
});
export type Schedule = z.output<typeof scheduleSchema>;

/** A stored schedule's definition (the Schedules screen): opening hours without the time zone, which the schedule row holds. */
export const openingHoursSchema = scheduleSchema.omit({ timeZone: true });
export type OpeningHoursDefinition = z.output<typeof openingHoursSchema>;

export type ScheduleState = 'open' | 'closed' | 'holiday';

export interface LocalTime {
  /** YYYY-MM-DD */
  date: string;
  weekday: Weekday;
  /** HH:MM */
  time: string;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The wall-clock date, weekday and time in a zone at an instant. */
export function localTime(epochMs: number, timeZone: string): LocalTime {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      weekday: 'long',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(new Date(epochMs)).map((p) => [p.type, p.value]));
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    weekday: String(parts.weekday).toLowerCase() as Weekday,
    time: `${parts.hour}:${parts.minute}`,
  };
}

const within = (ranges: readonly OpeningRange[], time: string): boolean =>
  ranges.some((r) => time >= r.open && time < r.close);

/** Open, closed or holiday at an instant; `label` names the exception or bank holiday. */
export function scheduleState(schedule: Schedule, epochMs: number): { state: ScheduleState; label?: string; local: LocalTime } {
  const local = localTime(epochMs, schedule.timeZone);
  const exception = schedule.exceptions.find((e) => e.date === local.date);
  if (exception) {
    if (exception.hours.length === 0) return { state: 'holiday', local, ...(exception.label ? { label: exception.label } : {}) };
    return { state: within(exception.hours, local.time) ? 'open' : 'closed', local, ...(exception.label ? { label: exception.label } : {}) };
  }
  const bankHoliday = schedule.bankHolidays ? ENGLAND_AND_WALES_BANK_HOLIDAYS.get(local.date) : undefined;
  if (bankHoliday) return { state: 'holiday', label: bankHoliday, local };
  return { state: within(schedule.weekly[local.weekday], local.time) ? 'open' : 'closed', local };
}
