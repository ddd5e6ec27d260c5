/**
 * The roll-up: settled half-hours of queue and call figures, and settled days of flow analytics, stored
 * so that history over millions of calls reads a few thousand rows. Any engine may run it; an advisory
 * lock lets one at a time. It computes the same statements the history runs over the unsettled tail
 * (queue-figures.ts, call-figures.ts, flow-figures.ts), so a figure means the same on either side.
 *
 * Settled: the half-hour (day, for flows) ended at least `settleMinutes` ago and nobody who joined
 * (called) in it is still in progress — except stragglers older than a day, which an engine-lost sweep
 * will finish and the next refresh will count. Repeat callers are final only 28 days later, so the last
 * 29 days are rolled up again every `refreshMinutes`.
 */
import type { ReportSql } from '../ports/report-sql.js';
import { CALL_FIGURE_COLUMNS, callFiguresSql } from './call-figures.js';
import { flowFiguresSql } from './flow-figures.js';
import { FIGURE_COLUMNS, halfHourOf, localDayOf, queueFiguresSql, REPEAT_DAYS } from './queue-figures.js';

export const REPORT_TIME_ZONE = 'Europe/London';
export const ROLLUP_LOCK = 'frontdoor:report-rollup';

export interface RollupOptions {
  /** Minutes after a half-hour (day) ends before it may be rolled up (default 60). */
  settleMinutes?: number;
  /** How often the last 29 days are rolled up again for repeat callers (default 60 minutes). */
  refreshMinutes?: number;
}

export interface RollupResult {
  queues: { from: Date; through: Date } | undefined;
  calls: { from: Date; through: Date } | undefined;
  flows: { from: Date; through: Date } | undefined;
}

type Sql = Pick<ReportSql, 'query'>;

/** Rolls up what has settled by `now`; undefined when another engine is rolling up at this moment. */
export async function rollUp(reportSql: ReportSql, now: Date, options: RollupOptions = {}): Promise<RollupResult | undefined> {
  const settle = `${options.settleMinutes ?? 60} minutes`;
  const refreshMinutes = options.refreshMinutes ?? 60;
  return reportSql.exclusive(ROLLUP_LOCK, async (sql) => ({
    queues: await rollQueues(sql, now, settle, refreshMinutes),
    calls: await rollCalls(sql, now, settle),
    flows: await rollFlows(sql, now, settle),
  }));
}

async function state(sql: Sql, name: string): Promise<{ through: Date; refreshedAt: Date | null } | undefined> {
  const [row] = await sql.query<{ through: Date; refreshed_at: Date | null }>('SELECT through, refreshed_at FROM report_rollups WHERE name = $1', [name]);
  return row ? { through: row.through, refreshedAt: row.refreshed_at } : undefined;
}

async function saveState(sql: Sql, name: string, through: Date, refreshedAt: Date | null): Promise<void> {
  await sql.query(
    `INSERT INTO report_rollups (name, through, refreshed_at) VALUES ($1, $2, $3)
     ON CONFLICT (name) DO UPDATE SET through = EXCLUDED.through, refreshed_at = COALESCE(EXCLUDED.refreshed_at, report_rollups.refreshed_at)`,
    [name, through, refreshedAt],
  );
}

async function rollQueues(sql: Sql, now: Date, settle: string, refreshMinutes: number) {
  const [bounds] = await sql.query<{ settled: Date; first: Date | null }>(
    `SELECT LEAST(
        ${halfHourOf(`$1::timestamptz - $2::interval`)},
        COALESCE((SELECT ${halfHourOf('min(entered_at)')} FROM queue_entries WHERE realm = '' AND state <> 'ended' AND entered_at > $1::timestamptz - interval '1 day'), 'infinity')
      ) AS settled,
      (SELECT ${halfHourOf('min(entered_at)')} FROM queue_entries WHERE realm = '') AS first`,
    [now, settle],
  );
  const before = await state(sql, 'queues');
  if (!bounds?.first && !before) return undefined;
  let from = before?.through ?? bounds!.first!;
  const refresh = before !== undefined && (!before.refreshedAt || now.getTime() - before.refreshedAt.getTime() >= refreshMinutes * 60_000);
  if (refresh) from = new Date(from.getTime() - (REPEAT_DAYS + 1) * 86_400_000);
  const through = bounds!.settled > from ? bounds!.settled : from;
  if (through > from) {
    await sql.query('DELETE FROM report_queue_half_hours WHERE bucket >= $1 AND bucket < $2', [from, through]);
    await sql.query(
      `INSERT INTO report_queue_half_hours (queue_id, bucket, ${FIGURE_COLUMNS.join(', ')}, rolled_at)
       SELECT queue_id, bucket, ${FIGURE_COLUMNS.join(', ')}, $3 FROM (${queueFiguresSql({ from: '$1', to: '$2' })}) f`,
      [from, through, now],
    );
  }
  await saveState(sql, 'queues', through, refresh || !before ? now : null);
  await rollQueueDays(sql, through, refresh);
  return { from, through };
}

/** Whole Europe/London days before the half-hours' `through` (the last 29 again when repeat callers are refreshed). */
async function rollQueueDays(sql: Sql, halfHoursThrough: Date, refresh: boolean): Promise<void> {
  const [bounds] = await sql.query<{ through: Date; first: Date | null }>(
    `SELECT ${localDayOf('$1::timestamptz')} AS through, (SELECT ${localDayOf('min(entered_at)')} FROM queue_entries WHERE realm = '') AS first`,
    [halfHoursThrough],
  );
  const before = await state(sql, 'queueDays');
  let from = before?.through ?? bounds!.first ?? bounds!.through;
  if (refresh && before) from = new Date(from.getTime() - (REPEAT_DAYS + 1) * 86_400_000);
  const through = bounds!.through > from ? bounds!.through : from;
  if (through > from) {
    await sql.query('DELETE FROM report_queue_days WHERE bucket >= $1 AND bucket < $2', [from, through]);
    await sql.query(
      `INSERT INTO report_queue_days (queue_id, bucket, ${FIGURE_COLUMNS.join(', ')}, rolled_at)
       SELECT queue_id, bucket, ${FIGURE_COLUMNS.join(', ')}, $3 FROM (${queueFiguresSql({ from: '$1', to: '$2', bucket: 'day' })}) f`,
      [from, through, new Date()],
    );
  }
  await saveState(sql, 'queueDays', through, null);
}

async function rollCalls(sql: Sql, now: Date, settle: string) {
  const [bounds] = await sql.query<{ settled: Date; first: Date | null }>(
    `SELECT LEAST(
        ${halfHourOf(`$1::timestamptz - $2::interval`)},
        COALESCE((SELECT ${halfHourOf('min(started_at)')} FROM calls WHERE kind = 'phone' AND ended_at IS NULL AND started_at > $1::timestamptz - interval '1 day'), 'infinity')
      ) AS settled,
      (SELECT ${halfHourOf('min(started_at)')} FROM calls WHERE kind = 'phone') AS first`,
    [now, settle],
  );
  const before = await state(sql, 'calls');
  if (!bounds?.first && !before) return undefined;
  const from = before?.through ?? bounds!.first!;
  const through = bounds!.settled > from ? bounds!.settled : from;
  if (through > from) {
    await sql.query('DELETE FROM report_call_half_hours WHERE bucket >= $1 AND bucket < $2', [from, through]);
    await sql.query(
      `INSERT INTO report_call_half_hours (flow_id, bucket, ${CALL_FIGURE_COLUMNS.join(', ')}, rolled_at)
       SELECT flow_id, bucket, ${CALL_FIGURE_COLUMNS.join(', ')}, $3 FROM (${callFiguresSql({ from: '$1', to: '$2' })}) f`,
      [from, through, now],
    );
  }
  await saveState(sql, 'calls', through, null);
  return { from, through };
}

/** Flow analytics roll up whole Europe/London days. */
async function rollFlows(sql: Sql, now: Date, settle: string) {
  const zone = `'${REPORT_TIME_ZONE}'`;
  const dayStart = (instant: string) => `(date_trunc('day', (${instant}) AT TIME ZONE ${zone}) AT TIME ZONE ${zone})`;
  const [bounds] = await sql.query<{ settled: Date; first: Date | null }>(
    `SELECT LEAST(
        ${dayStart(`$1::timestamptz - $2::interval`)},
        COALESCE((SELECT ${dayStart('min(started_at)')} FROM calls WHERE kind = 'phone' AND ended_at IS NULL AND started_at > $1::timestamptz - interval '1 day'), 'infinity')
      ) AS settled,
      (SELECT ${dayStart('min(started_at)')} FROM calls WHERE kind = 'phone' AND flow_version IS NOT NULL) AS first`,
    [now, settle],
  );
  const before = await state(sql, 'flows');
  if (!bounds?.first && !before) return undefined;
  const from = before?.through ?? bounds!.first!;
  const through = bounds!.settled > from ? bounds!.settled : from;
  if (through > from) {
    await sql.query(
      `DELETE FROM report_flow_days WHERE day >= ($1::timestamptz AT TIME ZONE ${zone})::date AND day < ($2::timestamptz AT TIME ZONE ${zone})::date`,
      [from, through],
    );
    await sql.query(
      `INSERT INTO report_flow_days (flow_id, flow_version, day, node_id, figure, detail, value)
       SELECT * FROM (${flowFiguresSql({ from: '$1', to: '$2', timeZone: zone })}) f`,
      [from, through],
    );
  }
  await saveState(sql, 'flows', through, null);
  return { from, through };
}
