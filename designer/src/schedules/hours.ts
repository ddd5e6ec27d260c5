import { WEEKDAYS, type Weekday } from '../../../engine/src/core/schedule.js';

export interface Range {
  open: string;
  close: string;
}
/** Opening hours as the Schedules screen edits them (a stored schedule's definition). */
export interface Hours {
  weekly: Record<Weekday, Range[]>;
  exceptions: Array<{ date: string; label?: string; hours: Range[] }>;
  bankHolidays: boolean;
}

export const DAY_NAMES: Record<Weekday, string> = {
  monday: 'Monday',
  tuesday: 'Tuesday',
  wednesday: 'Wednesday',
  thursday: 'Thursday',
  friday: 'Friday',
  saturday: 'Saturday',
  sunday: 'Sunday',
};
const SHORT: Record<Weekday, string> = { monday: 'Mon', tuesday: 'Tue', wednesday: 'Wed', thursday: 'Thu', friday: 'Fri', saturday: 'Sat', sunday: 'Sun' };
export const WEEKDAYS_ONLY: readonly Weekday[] = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'];

/** Open all day. */
export const ALL_DAY: Range[] = [{ open: '00:00', close: '24:00' }];
export const isAllDay = (ranges: readonly Range[]) => ranges.length === 1 && ranges[0]!.open === '00:00' && ranges[0]!.close === '24:00';

/** A definition as stored (possibly partial, from an older save) as complete hours to edit. */
export function hoursFrom(definition: Record<string, unknown> | undefined): Hours {
  const weekly = (definition?.weekly ?? {}) as Partial<Record<Weekday, Range[]>>;
  return {
    weekly: Object.fromEntries(WEEKDAYS.map((d) => [d, Array.isArray(weekly[d]) ? weekly[d]! : []])) as Record<Weekday, Range[]>,
    exceptions: Array.isArray(definition?.exceptions) ? (definition!.exceptions as Hours['exceptions']) : [],
    bankHolidays: definition?.bankHolidays !== false,
  };
}

const rangesText = (ranges: readonly Range[]) => (ranges.length === 0 ? 'closed' : isAllDay(ranges) ? '24 hours' : ranges.map((r) => `${r.open}–${r.close}`).join(', '));

/** "Mon–Thu 08:30–17:30 · Fri 08:30–17:00 · Sat–Sun closed": days with the same hours run together. */
export function hoursSummary(weekly: Partial<Record<Weekday, readonly Range[]>>): string {
  const runs: Array<{ from: Weekday; to: Weekday; text: string }> = [];
  for (const day of WEEKDAYS) {
    const text = rangesText(weekly[day] ?? []);
    const last = runs.at(-1);
    if (last && last.text === text) last.to = day;
    else runs.push({ from: day, to: day, text });
  }
  if (runs.length === 1) return runs[0]!.text === 'closed' ? 'Closed every day' : `Every day ${runs[0]!.text}`;
  return runs.map((r) => `${r.from === r.to ? SHORT[r.from] : `${SHORT[r.from]}–${SHORT[r.to]}`} ${r.text}`).join(' · ');
}

/** Problems a person can fix before saving (the engine checks the same, and names the field). */
export function hoursProblems(hours: Hours): string[] {
  const problems: string[] = [];
  const check = (where: string, ranges: readonly Range[]) => {
    ranges.forEach((r, i) => {
      if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(r.open)) problems.push(`${where}: opening time ${i + 1} is not a time`);
      if (!/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/.test(r.close)) problems.push(`${where}: closing time ${i + 1} is not a time`);
      else if (r.close <= r.open) problems.push(`${where}: ${r.open}–${r.close} closes before it opens (split overnight hours across two days)`);
    });
    const sorted = [...ranges].sort((a, b) => a.open.localeCompare(b.open));
    for (let i = 1; i < sorted.length; i++) if (sorted[i]!.open < sorted[i - 1]!.close) problems.push(`${where}: ${sorted[i - 1]!.open}–${sorted[i - 1]!.close} and ${sorted[i]!.open}–${sorted[i]!.close} overlap`);
  };
  for (const day of WEEKDAYS) check(DAY_NAMES[day], hours.weekly[day]);
  const dates = new Set<string>();
  for (const e of hours.exceptions) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(e.date)) problems.push('A dated exception has no date');
    else if (dates.has(e.date)) problems.push(`${e.date} has two exceptions`);
    dates.add(e.date);
    check(e.label || e.date, e.hours);
  }
  return problems;
}
