/** How reports read: whole seconds as m:ss, percentages with one decimal, times in Europe/London. */
export const TIME_ZONE = 'Europe/London';

export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '–';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}

export const percent = (value: number | null | undefined) => (value === null || value === undefined ? '–' : `${value.toFixed(1)}\u202f%`);

const parts = (instant: string | Date, options: Intl.DateTimeFormatOptions) =>
  new Intl.DateTimeFormat('en-GB', { timeZone: TIME_ZONE, ...options }).format(new Date(instant));

/** A period's label: "09:30 GMT" for half-hours, "Mon 9 Mar" for days and weeks, "March 2026" for months. */
export function periodLabel(start: string, granularity: 'halfHour' | 'day' | 'week' | 'month'): string {
  if (granularity === 'halfHour') return parts(start, { hour: '2-digit', minute: '2-digit', hour12: false, timeZoneName: 'short' });
  if (granularity === 'month') return parts(start, { month: 'long', year: 'numeric' });
  const label = parts(start, { weekday: 'short', day: 'numeric', month: 'short' });
  return granularity === 'week' ? `w/c ${label}` : label;
}

/** Today in Europe/London as YYYY-MM-DD. */
export function londonDay(at: Date = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

/** YYYY-MM-DD plus `days`. */
export function addDays(day: string, days: number): string {
  const d = new Date(`${day}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
