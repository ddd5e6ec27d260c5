/**
 * Opening hours as the Schedules screen stores them, read for calls: the schedule row (name, time zone, an
 * optional holiday calendar) and its definition (weekly hours, dated exceptions, bank holidays), checked
 * with the core's own schema. A holiday calendar's dates count as closed days, unless the schedule has an
 * exception of its own that day.
 */
import { openingHoursSchema } from '../core/schedule.js';
import type { ScheduleSource, StoredSchedule } from '../ports/schedule-source.js';
import type { HolidayCalendar, Schedule, Store } from '../ports/store.js';

/** A stored schedule as the engine runs it; undefined when its definition cannot be read. */
export function storedSchedule(record: Schedule, calendar?: HolidayCalendar): StoredSchedule | undefined {
  const definition = openingHoursSchema.safeParse(record.definition);
  if (!definition.success) return undefined;
  const { weekly, exceptions, bankHolidays } = definition.data;
  const own = new Set(exceptions.map((e) => e.date));
  const closures = (calendar?.dates ?? []).filter((d) => !own.has(d.date)).map((d) => ({ date: d.date, label: d.name, hours: [] }));
  return { id: record.id, name: record.name, hours: { timeZone: record.timezone, weekly, exceptions: [...exceptions, ...closures], bankHolidays } };
}

/** Schedules read from the store when a call reaches them, so a change on the Schedules screen applies to the next call. */
export function storeSchedules(store: Pick<Store, 'schedules' | 'holidayCalendars'>): ScheduleSource {
  return {
    async schedule(scheduleId) {
      const record = await store.schedules.get(scheduleId);
      if (!record) return undefined;
      const calendar = record.holidayCalendarId ? await store.holidayCalendars.get(record.holidayCalendarId) : undefined;
      return storedSchedule(record, calendar);
    },
  };
}

/**
 * Every stored schedule, read now: for scripted test calls, whose simulated clock jumps ahead whenever the
 * call waits on nothing it knows of — a database lookup mid-call would let hours pass on the clock.
 */
export async function allStoredSchedules(store: Pick<Store, 'schedules' | 'holidayCalendars'>): Promise<StoredSchedule[]> {
  const [records, calendars] = await Promise.all([store.schedules.list(), store.holidayCalendars.list()]);
  return records.flatMap((record) => {
    const read = storedSchedule(record, calendars.find((c) => c.id === record.holidayCalendarId));
    return read ? [read] : [];
  });
}
