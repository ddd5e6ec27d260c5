/**
 * Flow analytics for one published version over whole Europe/London days: per node, how many calls came,
 * which exits they took, what callers did when asked (nothing, keys, words), where they hung up and how long
 * they stayed — summed in SQL from the daily roll-up and, for days not rolled up yet, from the event log.
 */
import type { ReportSql } from '../ports/report-sql.js';
import { flowFiguresSql } from './flow-figures.js';
import { REPORT_TIME_ZONE } from './rollup.js';

export interface NodeAnalytics {
  nodeId: string;
  visits: number;
  /** Per exit: times taken and the calls that took it. */
  exits: Record<string, { taken: number; calls: number }>;
  /** Answers the caller gave when asked, by kind; tries = all of them. */
  inputs: { noInput: number; digits: number; speech: number; tries: number };
  /** No input as a share of tries (percent). */
  noInputPercent: number | null;
  /** Tries that were heard but not accepted (wrong key, words not understood, an invalid entry) as a share of tries. */
  noMatchPercent: number | null;
  /** Speech nodes: words vs keys among the answers given. */
  speechPercent: number | null;
  hangups: number;
  averageSeconds: number | null;
}

export interface FlowAnalytics {
  flowId: string;
  flowVersion: number;
  /** Local days, inclusive of `fromDay`, exclusive of `toDay` (YYYY-MM-DD). */
  fromDay: string;
  toDay: string;
  calls: number;
  nodes: NodeAnalytics[];
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const pct = (part: number, whole: number) => (whole > 0 ? Math.round((1000 * part) / whole) / 10 : null);

export async function flowAnalytics(sql: ReportSql, request: { flowId: string; flowVersion: number; fromDay: string; toDay: string }): Promise<FlowAnalytics> {
  if (!DAY.test(request.fromDay) || !DAY.test(request.toDay)) throw new RangeError('fromDay and toDay are dates: YYYY-MM-DD');
  if (!(request.fromDay < request.toDay)) throw new RangeError('fromDay must be before toDay');
  const zone = `'${REPORT_TIME_ZONE}'`;
  const from = `($3::date::timestamp AT TIME ZONE ${zone})`;
  const to = `($4::date::timestamp AT TIME ZONE ${zone})`;
  const through = `COALESCE((SELECT through FROM report_rollups WHERE name = 'flows'), ${from})`;
  const live = flowFiguresSql({ from: `GREATEST(${from}, ${through})`, to, timeZone: zone, flowId: '$1', flowVersion: '$2' });
  const rows = await sql.query<{ node_id: string; figure: string; detail: string; value: number }>(
    `WITH figures AS (
       SELECT node_id, figure, detail, value FROM report_flow_days
       WHERE flow_id = $1 AND flow_version = $2 AND day >= $3::date AND day < $4::date AND day < (${through} AT TIME ZONE ${zone})::date
       UNION ALL
       SELECT node_id, figure, detail, value FROM (${live}) l
     )
     SELECT node_id, figure, detail, sum(value)::float8 AS value FROM figures GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
    [request.flowId, request.flowVersion, request.fromDay, request.toDay],
  );
  const [counted] = await sql.query<{ calls: number }>(
    `SELECT count(*)::int AS calls FROM calls WHERE kind = 'phone' AND flow_id = $1 AND flow_version = $2 AND started_at >= ${from} AND started_at < ${to}`,
    [request.flowId, request.flowVersion, request.fromDay, request.toDay],
  );
  const nodes = new Map<string, { visits: number; exits: NodeAnalytics['exits']; noInput: number; digits: number; speech: number; hangups: number; seconds: number }>();
  for (const row of rows) {
    const node = nodes.get(row.node_id) ?? { visits: 0, exits: {}, noInput: 0, digits: 0, speech: 0, hangups: 0, seconds: 0 };
    nodes.set(row.node_id, node);
    if (row.figure === 'exit' || row.figure === 'exitCalls') {
      const exit = (node.exits[row.detail] ??= { taken: 0, calls: 0 });
      if (row.figure === 'exit') exit.taken = row.value;
      else exit.calls = row.value;
    } else if (row.figure === 'visits') node.visits = row.value;
    else if (row.figure === 'noInput') node.noInput = row.value;
    else if (row.figure === 'digits') node.digits = row.value;
    else if (row.figure === 'speech') node.speech = row.value;
    else if (row.figure === 'hangup') node.hangups = row.value;
    else if (row.figure === 'seconds') node.seconds = row.value;
  }
  return {
    ...request,
    calls: counted?.calls ?? 0,
    nodes: [...nodes.entries()].map(([nodeId, n]) => {
      const tries = n.noInput + n.digits + n.speech;
      // Each answer the node accepted is one try that led to an exit other than noInput/noMatch.
      const accepted = Object.entries(n.exits).reduce((sum, [exit, e]) => (exit === 'noInput' || exit === 'noMatch' || exit === 'error' ? sum : sum + e.taken), 0);
      const rejected = tries > 0 ? Math.max(0, tries - n.noInput - Math.min(accepted, tries - n.noInput)) : 0;
      return {
        nodeId,
        visits: n.visits,
        exits: n.exits,
        inputs: { noInput: n.noInput, digits: n.digits, speech: n.speech, tries },
        noInputPercent: pct(n.noInput, tries),
        noMatchPercent: tries > 0 ? pct(rejected, tries) : null,
        speechPercent: n.speech > 0 ? pct(n.speech, n.speech + n.digits) : null,
        hangups: n.hangups,
        averageSeconds: n.visits > 0 ? n.seconds / n.visits : null,
      };
    }),
  };
}
