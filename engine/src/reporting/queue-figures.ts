/**
 * A queue's figures for each half-hour, defined ONCE: the roll-up stores them (report_queue_half_hours)
 * and the history computes the same statement over the half-hours not rolled up yet. What each column
 * means is in docs/reporting.md.
 *
 * A "visit" is one caller's stay in one queue (a queue_entries row of real traffic, realm ''): a caller
 * moved from one queue to another makes a visit in each. Visits count in the half-hour they joined the
 * queue, however long they last.
 */

/** Answer-time thresholds the roll-up counts; the same list as report_wait_ladder() in migration 0008. */
export const WAIT_LADDER = [5, 10, 15, 20, 25, 30, 40, 45, 60, 90, 120, 150, 180, 240, 300, 600, 900, 1200, 1800, 3600] as const;
/** Short-abandon thresholds the roll-up counts; the same list as report_short_abandon_ladder(). */
export const SHORT_ABANDON_LADDER = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 15, 20, 30, 45, 60, 90, 120] as const;
/** Repeat callers are counted for 1 … REPEAT_DAYS days. */
export const REPEAT_DAYS = 28;

/** A caller's number we can follow to a later call (not withheld, not empty). */
export const IDENTIFIED_NUMBER = `'^\\+?[0-9]{6,}$'`;

/** The half-hour an instant falls in (UTC-aligned, the same as Europe/London's half-hours). */
export const halfHourOf = (column: string) => `date_bin('30 minutes', ${column}, TIMESTAMPTZ '2000-01-01 00:00:00+00')`;

/** The Europe/London day an instant falls in, as the instant of its local midnight. */
export const localDayOf = (column: string) => `(date_trunc('day', ${column} AT TIME ZONE 'Europe/London') AT TIME ZONE 'Europe/London')`;

/** Columns of report_queue_half_hours after (queue_id, bucket), in order. */
export const FIGURE_COLUMNS = [
  'service_line',
  'offered',
  'answered',
  'answered_within',
  'abandoned',
  'abandoned_under',
  'overflowed',
  'closed',
  'left_queue',
  'lost',
  'callbacks_requested',
  'callbacks_completed',
  'callbacks_failed',
  'answer_wait_sum',
  'queue_time_sum',
  'longest_wait',
  'handled',
  'talk_sum',
  'wrap_sum',
  'identified',
  'repeat_within',
] as const;

export interface FigureQueryOptions {
  /** Placeholders for: from (inclusive), to (exclusive) — instants of entered_at. */
  from: string;
  to: string;
  /** Placeholder of a text[] of queue ids to keep, or undefined for every queue. */
  queueIds?: string;
  /** Thresholds to count answered-within and short abandons for (default: the roll-up's ladders). */
  waitThresholds?: readonly number[];
  shortAbandonThresholds?: readonly number[];
  /** Bucket visits by half-hour (default) or by Europe/London day (bucket = the day's local midnight). */
  bucket?: 'halfHour' | 'day';
  /** Leave out handle time and repeat callers (the wallboard needs neither, and they cost a look-up per visit). */
  light?: boolean;
}

const countsUnder = (expression: string, thresholds: readonly number[], compare: '<=' | '<') =>
  `ARRAY[${thresholds.map((t) => `count(*) FILTER (WHERE ${expression} ${compare} ${Number(t)})::int`).join(', ')}]::int[]`;

function checkThresholds(list: readonly number[], name: string): void {
  for (const t of list) if (!Number.isInteger(t) || t < 0 || t > 86_400) throw new RangeError(`${name}: ${t} is not a whole number of seconds from 0 to 86400`);
}

/**
 * SELECT queue_id, bucket, …FIGURE_COLUMNS for visits that joined a queue in [from, to). Visits not
 * ended yet count as offered only (their wait, talk and outcome are not known yet).
 */
export function queueFiguresSql(o: FigureQueryOptions): string {
  const waits = o.waitThresholds ?? WAIT_LADDER;
  const shorts = o.shortAbandonThresholds ?? SHORT_ABANDON_LADDER;
  checkThresholds(waits, 'answered-within threshold');
  checkThresholds(shorts, 'short-abandon threshold');
  const days = Array.from({ length: REPEAT_DAYS }, (_, d) => d + 1);
  return `
WITH visits AS (
  SELECT e.queue_id, ${o.bucket === 'day' ? localDayOf('e.entered_at') : halfHourOf('e.entered_at')} AS bucket, e.kind, e.outcome, e.state,
    (e.kind = 'caller' AND e.answered_at IS NOT NULL) AS answered,
    CASE WHEN e.kind = 'caller' AND e.answered_at IS NOT NULL THEN extract(epoch FROM e.answered_at - e.entered_at)::float8 END AS answer_wait,
    CASE
      WHEN e.kind = 'callback' THEN (SELECT extract(epoch FROM min(qe.at) - e.entered_at)::float8 FROM queue_events qe
                                     WHERE qe.call_id = e.call_id AND qe.entry_id = e.id AND qe.type = 'callback_accepted')
      WHEN e.answered_at IS NOT NULL THEN extract(epoch FROM e.answered_at - e.entered_at)::float8
      WHEN e.state = 'ended' THEN extract(epoch FROM e.ended_at - e.entered_at)::float8
    END AS line_wait,
    CASE WHEN e.answered_at IS NOT NULL AND e.outcome IN ('answered', 'transferred', 'callback_completed')
      THEN extract(epoch FROM e.ended_at - e.answered_at)::float8 END AS talk,
    CASE WHEN ${o.light ? 'false' : 'true'} AND e.answered_at IS NOT NULL AND e.outcome IN ('answered', 'transferred', 'callback_completed') THEN (
      SELECT COALESCE(sum(extract(epoch FROM n.at - l.at)), 0)::float8 FROM agent_state_log l
      CROSS JOIN LATERAL (SELECT l2.at FROM agent_state_log l2 WHERE l2.agent_id = l.agent_id AND (l2.at, l2.id) > (l.at, l.id)
                          ORDER BY l2.at, l2.id LIMIT 1) n
      WHERE l.call_id = e.call_id AND l.queue_id = e.queue_id AND l.state = 'wrap_up' AND l.realm = ''
    ) END AS wrap,
    c.from_number ~ ${IDENTIFIED_NUMBER} AS identified,
    CASE WHEN ${o.light ? 'false' : 'true'} AND e.kind = 'caller' AND e.answered_at IS NOT NULL AND c.from_number ~ ${IDENTIFIED_NUMBER} THEN (
      SELECT extract(epoch FROM min(c2.started_at) - c.started_at)::float8 FROM calls c2
      WHERE c2.kind = 'phone' AND c2.from_number = c.from_number AND c2.started_at > c.started_at
        AND c2.started_at <= c.started_at + interval '${REPEAT_DAYS} days'
    ) END AS next_call_after
  FROM queue_entries e
  LEFT JOIN calls c ON c.id = e.call_id
  WHERE e.realm = '' AND e.entered_at >= ${o.from} AND e.entered_at < ${o.to}
    AND (c.kind IS NULL OR c.kind = 'phone')
    ${o.queueIds ? `AND e.queue_id = ANY (${o.queueIds}::text[])` : ''}
)
SELECT v.queue_id, v.bucket, COALESCE(max(q.service_line), '') AS service_line,
  count(*)::int AS offered,
  count(*) FILTER (WHERE v.answered)::int AS answered,
  ${countsUnder('v.answer_wait', waits, '<=')} AS answered_within,
  count(*) FILTER (WHERE v.outcome = 'abandoned')::int AS abandoned,
  ${countsUnder("CASE WHEN v.outcome = 'abandoned' THEN v.line_wait END", shorts, '<')} AS abandoned_under,
  count(*) FILTER (WHERE v.outcome IN ('overflowed', 'timeout'))::int AS overflowed,
  count(*) FILTER (WHERE v.outcome = 'closed')::int AS closed,
  count(*) FILTER (WHERE v.outcome = 'exit')::int AS left_queue,
  count(*) FILTER (WHERE v.outcome = 'engine_lost' AND NOT v.answered)::int AS lost,
  count(*) FILTER (WHERE v.kind = 'callback')::int AS callbacks_requested,
  count(*) FILTER (WHERE v.outcome = 'callback_completed')::int AS callbacks_completed,
  count(*) FILTER (WHERE v.outcome = 'callback_failed')::int AS callbacks_failed,
  COALESCE(sum(v.answer_wait), 0)::float8 AS answer_wait_sum,
  COALESCE(sum(v.line_wait), 0)::float8 AS queue_time_sum,
  max(v.line_wait)::float8 AS longest_wait,
  count(v.talk)::int AS handled,
  COALESCE(sum(v.talk), 0)::float8 AS talk_sum,
  COALESCE(sum(v.wrap), 0)::float8 AS wrap_sum,
  count(*) FILTER (WHERE v.answered AND v.identified)::int AS identified,
  ${countsUnder('v.next_call_after', days.map((d) => d * 86_400), '<=')} AS repeat_within
FROM visits v
LEFT JOIN queues q ON q.id = v.queue_id
GROUP BY v.queue_id, v.bucket`;
}
