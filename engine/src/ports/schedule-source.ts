/** Where the runtime finds stored opening hours (Schedules screen) that schedule nodes and queues name by id. Types only. */

export type OpeningWeekday = 'monday' | 'tuesday' | 'wednesday' | 'thursday' | 'friday' | 'saturday' | 'sunday';

/** A stretch of opening on one day, local wall-clock times "HH:MM" (close may be "24:00"). */
export interface OpeningRange {
  open: string;
  close: string;
}

/** Opening hours as the engine reads them: weekly hours, dated exceptions and bank holidays, in a time zone. */
export interface OpeningHours {
  /** IANA time zone, e.g. Europe/London. */
  timeZone: string;
  weekly: Record<OpeningWeekday, OpeningRange[]>;
  /** Dated exceptions (YYYY-MM-DD, local): no hours means closed all day (a holiday). */
  exceptions: Array<{ date: string; label?: string | undefined; hours: OpeningRange[] }>;
  /** Closed on England & Wales bank holidays. */
  bankHolidays: boolean;
}

export interface StoredSchedule {
  id: string;
  /** What designers call it ("Council office hours"). */
  name: string;
  hours: OpeningHours;
}

export interface ScheduleSource {
  /** The schedule as stored now, or undefined when there is none with this id (or it cannot be read). */
  schedule(scheduleId: string): Promise<StoredSchedule | undefined>;
}
