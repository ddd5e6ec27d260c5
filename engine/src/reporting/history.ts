/**
 * History: a queue's (a service line's, or every queue's) figures by half-hour, day, week or month in
 * Europe/London, read from the roll-up for settled half-hours and computed by the same statement for the
 * rest — all in SQL; the engine only turns sums into rates. docs/reporting.md defines every figure.
 */
import type { ReportSql } from '../ports/report-sql.js';
import { CALL_FIGURE_COLUMNS, callFiguresSql } from './call-figures.js';
import { FIGURE_COLUMNS, queueFiguresSql, REPEAT_DAYS, SHORT_ABANDON_LADDER, WAIT_LADDER } from './queue-figures.js';
import { REPORT_TIME_ZONE } from './rollup.js';

export type Granularity = 'halfHour' | 'day' | 'week' | 'month';
export type Scope = { kind: 'all' } | { kind: 'queue'; queueId: string } | { kind: 'serviceLine'; serviceLine: string };

export interface HistoryRequest {
  scope: Scope;
  granularity: Granularity;
  /** Instants: periods whose start is in [from, to). */
  from: Date;
  to: Date;
  /** Answered-within thresholds (seconds), 1 to 4. */
  thresholds: readonly number[];
  /** Callers who hang up sooner than this are short abandons. */
  shortAbandonSeconds: number;
  /** Repeat callers: rang again within this many days (1 … 28). */
  repeatDays: number;
}

export interface PeriodFigures {
  /** The period's first instant (a half-hour, or local midnight of the day, Monday, first of the month). */
  start: Date;
  offered: number;
  answered: number;
  answeredWithin: Array<{ seconds: number; count: number; percent: number | null }>;
  abandoned: number;
  shortAbandoned: number;
  /** Abandoned (not short) as a share of offered less short abandons. */
  abandonedPercent: number | null;
  overflowed: number;
  closed: number;
  leftQueue: number;
  lost: number;
  callbacks: { requested: number; completed: number; failed: number };
  /** Average speed of answer (seconds). */
  asa: number | null;
  /** Average handle time: talk + wrap-up (seconds). */
  aht: number | null;
  averageTalk: number | null;
  averageWrapUp: number | null;
  longestWait: number | null;
  handled: number;
  /** Answered callers with a known number, and how many of them rang again within `repeatDays`. */
  repeat: { identified: number; repeated: number; percent: number | null };
  /** Every caller's time on the line in the queue (seconds), for the staffing model's patience. */
  queueTimeSum: number;
  /** The IVR's share (whole service only: a call resolved in the IVR never reaches a queue). */
  ivr?: { calls: number; contained: number; containmentPercent: number | null; ivrHangups: number; queued: number; transferred: number };
}

const percent = (part: number, whole: number) => (whole > 0 ? Math.round((1000 * part) / whole) / 10 : null);
const mean = (sum: number, count: number) => (count > 0 ? sum / count : null);

/** The period a half-hour bucket belongs to, cut in the report's time zone. */
function periodOf(granularity: Granularity, column: string): string {
  if (granularity === 'halfHour') return column;
  const unit = granularity === 'day' ? 'day' : granularity === 'week' ? 'week' : 'month';
  return `(date_trunc('${unit}', ${column} AT TIME ZONE '${REPORT_TIME_ZONE}') AT TIME ZONE '${REPORT_TIME_ZONE}')`;
}

/** Every period starting in [from, to), so quiet periods show as zeros. */
function periodsSeries(granularity: Granularity): string {
  if (granularity === 'halfHour') {
    return `SELECT generate_series(date_bin('30 minutes', $1::timestamptz, TIMESTAMPTZ '2000-01-01 00:00:00+00'), $2::timestamptz - interval '1 microsecond', interval '30 minutes') AS period`;
  }
  const unit = granularity === 'day' ? 'day' : granularity === 'week' ? 'week' : 'month';
  const zone = `'${REPORT_TIME_ZONE}'`;
  return `SELECT p AT TIME ZONE ${zone} AS period FROM generate_series(
      date_trunc('${unit}', $1::timestamptz AT TIME ZONE ${zone}), ($2::timestamptz - interval '1 microsecond') AT TIME ZONE ${zone}, interval '1 ${unit}') AS p`;
}

function scopeFilter(scope: Scope, param: string): string {
  if (scope.kind === 'queue') return `queue_id = ${param}`;
  if (scope.kind === 'serviceLine') return `service_line = ${param}`;
  return `${param}::text IS NULL`;
}

function checkRequest(r: HistoryRequest): void {
  if (!(r.from < r.to)) throw new RangeError('from must be before to');
  if (r.thresholds.length < 1 || r.thresholds.length > 4) throw new RangeError('give 1 to 4 answered-within thresholds');
  for (const t of r.thresholds) if (!Number.isInteger(t) || t < 1 || t > 3600) throw new RangeError(`threshold ${t} must be whole seconds from 1 to 3600`);
  if (!Number.isInteger(r.shortAbandonSeconds) || r.shortAbandonSeconds < 0 || r.shortAbandonSeconds > 120) throw new RangeError('shortAbandonSeconds must be whole seconds from 0 to 120');
  if (!Number.isInteger(r.repeatDays) || r.repeatDays < 1 || r.repeatDays > REPEAT_DAYS) throw new RangeError(`repeatDays must be a whole number of days from 1 to ${REPEAT_DAYS}`);
}

/** The history for one scope; one row per period, oldest first. */
export async function history(sql: ReportSql, request: HistoryRequest): Promise<PeriodFigures[]> {
  checkRequest(request);
  const states = await sql.query<{ name: string; through: Date }>(`SELECT name, through FROM report_rollups WHERE name IN ('queues', 'queueDays')`);
  const state = states.find((s) => s.name === 'queues');
  // Days, weeks and months read whole days from the day roll-up, then half-hours, then the records.
  const dayState = request.granularity === 'halfHour' ? undefined : states.find((s) => s.name === 'queueDays');
  // The roll-up holds the fixed ladders; thresholds off them are counted from the records over the whole period.
  const onLadder =
    request.thresholds.every((t) => (WAIT_LADDER as readonly number[]).includes(t)) && (SHORT_ABANDON_LADDER as readonly number[]).includes(request.shortAbandonSeconds);
  const through = onLadder && state ? state.through : request.from;
  const daysThrough = onLadder && dayState && state && dayState.through <= state.through ? dayState.through : request.from;
  const waitIndex = (t: number) => (onLadder ? WAIT_LADDER.indexOf(t as (typeof WAIT_LADDER)[number]) + 1 : request.thresholds.indexOf(t) + 1);
  const shortIndex = onLadder ? SHORT_ABANDON_LADDER.indexOf(request.shortAbandonSeconds as (typeof SHORT_ABANDON_LADDER)[number]) + 1 : 1;
  const live = queueFiguresSql({
    from: 'GREATEST($1::timestamptz, $3::timestamptz)',
    to: '$2::timestamptz',
    ...(onLadder ? {} : { waitThresholds: request.thresholds, shortAbandonThresholds: [request.shortAbandonSeconds] }),
  });
  const columns = ['queue_id', 'bucket', ...FIGURE_COLUMNS].join(', ');
  const scopeValue = request.scope.kind === 'queue' ? request.scope.queueId : request.scope.kind === 'serviceLine' ? request.scope.serviceLine : null;
  const withIvr = request.scope.kind === 'all';
  const text = `
WITH halves AS (
  SELECT ${columns} FROM report_queue_days WHERE bucket >= $1 AND bucket < LEAST($2::timestamptz, $6::timestamptz)
  UNION ALL
  SELECT ${columns} FROM report_queue_half_hours WHERE bucket >= GREATEST($1::timestamptz, $6::timestamptz) AND bucket < LEAST($2::timestamptz, $3::timestamptz)
  UNION ALL
  SELECT ${columns} FROM (${live}) live
),
scoped AS (SELECT * FROM halves WHERE ${scopeFilter(request.scope, '$4')}),
figures AS (
  SELECT ${periodOf(request.granularity, 'bucket')} AS period,
    sum(offered)::int AS offered, sum(answered)::int AS answered,
    ${request.thresholds.map((t, i) => `sum(answered_within[${waitIndex(t)}])::int AS within_${i}`).join(', ')},
    sum(abandoned)::int AS abandoned, sum(abandoned_under[${shortIndex}])::int AS short_abandoned,
    sum(overflowed)::int AS overflowed, sum(closed)::int AS closed, sum(left_queue)::int AS left_queue, sum(lost)::int AS lost,
    sum(callbacks_requested)::int AS callbacks_requested, sum(callbacks_completed)::int AS callbacks_completed, sum(callbacks_failed)::int AS callbacks_failed,
    sum(answer_wait_sum)::float8 AS answer_wait_sum, sum(queue_time_sum)::float8 AS queue_time_sum, max(longest_wait)::float8 AS longest_wait,
    sum(handled)::int AS handled, sum(talk_sum)::float8 AS talk_sum, sum(wrap_sum)::float8 AS wrap_sum,
    sum(identified)::int AS identified, sum(repeat_within[$5])::int AS repeated
  FROM scoped GROUP BY 1
)${
    withIvr
      ? `,
calls_halves AS (
  SELECT flow_id, bucket, ${CALL_FIGURE_COLUMNS.join(', ')} FROM report_call_half_hours
    WHERE bucket >= $1 AND bucket < LEAST($2::timestamptz, COALESCE((SELECT through FROM report_rollups WHERE name = 'calls'), $1::timestamptz))
  UNION ALL
  SELECT flow_id, bucket, ${CALL_FIGURE_COLUMNS.join(', ')} FROM (${callFiguresSql({
    from: `GREATEST($1::timestamptz, COALESCE((SELECT through FROM report_rollups WHERE name = 'calls'), $1::timestamptz))`,
    to: '$2::timestamptz',
  })}) live_calls
),
ivr AS (
  SELECT ${periodOf(request.granularity, 'bucket')} AS period, sum(calls)::int AS calls, sum(contained)::int AS contained,
    sum(ivr_hangups)::int AS ivr_hangups, sum(queued)::int AS queued, sum(transferred)::int AS transferred
  FROM calls_halves GROUP BY 1
)`
      : ''
  }
SELECT f.*, p.period AS period_start${withIvr ? ', ivr.calls AS ivr_calls, ivr.contained, ivr.ivr_hangups, ivr.queued, ivr.transferred' : ''}
FROM (${periodsSeries(request.granularity)}) p
LEFT JOIN figures f ON f.period = p.period
${withIvr ? 'LEFT JOIN ivr ON ivr.period = p.period' : ''}
ORDER BY p.period`;
  const rows = await sql.query<Record<string, number | Date | null>>(text, [request.from, request.to, through, scopeValue, request.repeatDays, daysThrough]);
  return rows.map((row) => toFigures(row, request, withIvr));
}

function toFigures(row: Record<string, number | Date | null>, request: HistoryRequest, withIvr: boolean): PeriodFigures {
  const n = (name: string) => Number(row[name] ?? 0);
  const offered = n('offered');
  const shortAbandoned = n('short_abandoned');
  const judged = offered - shortAbandoned;
  const handled = n('handled');
  const answered = n('answered');
  const figures: PeriodFigures = {
    start: row.period_start as Date,
    offered,
    answered,
    answeredWithin: request.thresholds.map((seconds, i) => ({ seconds, count: n(`within_${i}`), percent: percent(n(`within_${i}`), judged) })),
    abandoned: n('abandoned') - shortAbandoned,
    shortAbandoned,
    abandonedPercent: percent(n('abandoned') - shortAbandoned, judged),
    overflowed: n('overflowed'),
    closed: n('closed'),
    leftQueue: n('left_queue'),
    lost: n('lost'),
    callbacks: { requested: n('callbacks_requested'), completed: n('callbacks_completed'), failed: n('callbacks_failed') },
    asa: mean(n('answer_wait_sum'), answered),
    aht: mean(n('talk_sum') + n('wrap_sum'), handled),
    averageTalk: mean(n('talk_sum'), handled),
    averageWrapUp: mean(n('wrap_sum'), handled),
    longestWait: row.longest_wait === null || row.longest_wait === undefined ? null : Number(row.longest_wait),
    handled,
    repeat: { identified: n('identified'), repeated: n('repeated'), percent: percent(n('repeated'), n('identified')) },
    queueTimeSum: n('queue_time_sum'),
  };
  if (withIvr) {
    figures.ivr = {
      calls: n('ivr_calls'),
      contained: n('contained'),
      containmentPercent: percent(n('contained'), n('ivr_calls')),
      ivrHangups: n('ivr_hangups'),
      queued: n('queued'),
      transferred: n('transferred'),
    };
  }
  return figures;
}
