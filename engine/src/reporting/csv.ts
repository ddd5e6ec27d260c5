/** The history as CSV for spreadsheets: one row per period, times in Europe/London, a header naming each figure. */
import type { PeriodFigures } from './history.js';
import { REPORT_TIME_ZONE } from './rollup.js';

const local = new Intl.DateTimeFormat('en-GB', {
  timeZone: REPORT_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
  timeZoneName: 'short',
});

/** "2026-03-29 01:00 GMT" — the zone says which of an autumn day's two 01:00s it is. */
export function localLabel(instant: Date): string {
  const parts = Object.fromEntries(local.formatToParts(instant).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute} ${parts.timeZoneName}`;
}

function cell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'number' ? String(Math.round(value * 10) / 10) : value;
  // Quote anything a spreadsheet could read as a formula or a separator.
  return /[",\n\r]|^[=+\-@\t]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function historyCsv(periods: readonly PeriodFigures[], thresholds: readonly number[], repeatDays: number): string {
  const withIvr = periods.some((p) => p.ivr);
  const header = [
    'period_start',
    'period_start_utc',
    'offered',
    'answered',
    ...thresholds.flatMap((t) => [`answered_within_${t}s`, `service_level_${t}s_percent`]),
    'abandoned',
    'short_abandoned',
    'abandoned_percent',
    'overflowed',
    'closed',
    'left_queue',
    'callbacks_requested',
    'callbacks_completed',
    'callbacks_failed',
    'asa_seconds',
    'aht_seconds',
    'longest_wait_seconds',
    'handled',
    'repeat_identified',
    `repeat_within_${repeatDays}d`,
    'repeat_percent',
    ...(withIvr ? ['ivr_calls', 'contained', 'containment_percent', 'ivr_hangups'] : []),
  ];
  const rows = periods.map((p) => [
    localLabel(p.start),
    p.start.toISOString(),
    p.offered,
    p.answered,
    ...p.answeredWithin.flatMap((w) => [w.count, w.percent]),
    p.abandoned,
    p.shortAbandoned,
    p.abandonedPercent,
    p.overflowed,
    p.closed,
    p.leftQueue,
    p.callbacks.requested,
    p.callbacks.completed,
    p.callbacks.failed,
    p.asa,
    p.aht,
    p.longestWait,
    p.handled,
    p.repeat.identified,
    p.repeat.repeated,
    p.repeat.percent,
    ...(withIvr ? [p.ivr?.calls, p.ivr?.contained, p.ivr?.containmentPercent, p.ivr?.ivrHangups] : []),
  ]);
  return [header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}
