/**
 * Flow analytics per flow version, Europe/London day of the call's start and node, defined ONCE (the
 * roll-up report_flow_days and the live tail): visits, exits taken (times and calls), inputs by kind,
 * callers who hung up there, seconds spent there. Nodes inside subflows ("flow/node") belong to the
 * subflow and are left out. docs/reporting.md.
 */

/** SELECT flow_id, flow_version, day, node_id, figure, detail, value for ended real calls started in [from, to). */
export function flowFiguresSql(o: { from: string; to: string; timeZone: string; flowId?: string; flowVersion?: string }): string {
  const only = [o.flowId ? `AND c.flow_id = ${o.flowId}` : '', o.flowVersion ? `AND c.flow_version = ${o.flowVersion}` : ''].join(' ');
  return `
WITH calls_in AS (
  SELECT c.id, c.flow_id, c.flow_version, (c.started_at AT TIME ZONE ${o.timeZone})::date AS day, c.ended_at, c.outcome, c.ended_at_node
  FROM calls c
  WHERE c.kind = 'phone' AND c.flow_version IS NOT NULL AND c.ended_at IS NOT NULL
    AND c.started_at >= ${o.from} AND c.started_at < ${o.to} ${only}
),
ev AS (
  SELECT ci.flow_id, ci.flow_version, ci.day, ci.ended_at AS call_ended_at, e.call_id, e.seq, e.at, e.type, e.node_id, e.data
  FROM calls_in ci JOIN call_events e ON e.call_id = ci.id
  WHERE e.node_id IS NOT NULL AND strpos(e.node_id, '/') = 0
    AND e.type IN ('node.entered', 'node.outcome', 'input.none', 'input.digits', 'input.speech')
),
steps AS (
  SELECT flow_id, flow_version, day, node_id, type, data, call_id, at, call_ended_at,
    lead(type) OVER w AS next_type, lead(at) OVER w AS next_at
  FROM ev WHERE type IN ('node.entered', 'node.outcome')
  WINDOW w AS (PARTITION BY call_id, node_id ORDER BY seq)
)
SELECT flow_id, flow_version, day, node_id, 'visits' AS figure, '' AS detail, count(*)::float8 AS value
  FROM steps WHERE type = 'node.entered' GROUP BY 1, 2, 3, 4
UNION ALL
SELECT flow_id, flow_version, day, node_id, 'seconds', '',
  sum(extract(epoch FROM (CASE WHEN next_type = 'node.outcome' THEN next_at ELSE call_ended_at END) - at))::float8
  FROM steps WHERE type = 'node.entered' GROUP BY 1, 2, 3, 4
UNION ALL
SELECT flow_id, flow_version, day, node_id, 'exit', COALESCE(data ->> 'outcome', ''), count(*)::float8
  FROM steps WHERE type = 'node.outcome' GROUP BY 1, 2, 3, 4, 6
UNION ALL
SELECT flow_id, flow_version, day, node_id, 'exitCalls', COALESCE(data ->> 'outcome', ''), count(DISTINCT call_id)::float8
  FROM steps WHERE type = 'node.outcome' GROUP BY 1, 2, 3, 4, 6
UNION ALL
SELECT flow_id, flow_version, day, node_id,
  CASE type WHEN 'input.none' THEN 'noInput' WHEN 'input.digits' THEN 'digits' ELSE 'speech' END, '', count(*)::float8
  FROM ev WHERE type IN ('input.none', 'input.digits', 'input.speech') GROUP BY 1, 2, 3, 4, 5
UNION ALL
SELECT flow_id, flow_version, day, ended_at_node, 'hangup', '', count(*)::float8
  FROM calls_in WHERE outcome = 'callerHungUp' AND ended_at_node IS NOT NULL AND strpos(ended_at_node, '/') = 0 GROUP BY 1, 2, 3, 4`;
}
