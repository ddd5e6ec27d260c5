/**
 * The IVR's share of real calls, per flow and half-hour of the call's start, defined ONCE (roll-up and
 * live tail): calls, calls the flow resolved without a queue or a person (containment), callers who hung
 * up in the IVR, calls that reached a queue, calls transferred to a person. docs/reporting.md.
 */
import { halfHourOf } from './queue-figures.js';

/** Outcomes that mean the flow did not finish the call itself. */
const NOT_RESOLVED = `('callerHungUp', 'failed', 'engine-lost', 'transferred')`;

export const CALL_FIGURE_COLUMNS = ['calls', 'contained', 'ivr_hangups', 'queued', 'transferred'] as const;

/** SELECT flow_id, bucket, …CALL_FIGURE_COLUMNS for real calls started in [from, to). */
export function callFiguresSql(o: { from: string; to: string }): string {
  return `
WITH c AS (
  SELECT COALESCE(c.flow_id, '') AS flow_id, ${halfHourOf('c.started_at')} AS bucket, c.ended_at, c.outcome,
    (c.queue_id IS NOT NULL) AS queued,
    (c.agent_id IS NOT NULL OR c.outcome = 'transferred'
      OR EXISTS (SELECT 1 FROM call_events ev WHERE ev.call_id = c.id AND ev.type = 'agent.connected')) AS to_person
  FROM calls c
  WHERE c.kind = 'phone' AND c.started_at >= ${o.from} AND c.started_at < ${o.to}
)
SELECT flow_id, bucket,
  count(*)::int AS calls,
  count(*) FILTER (WHERE ended_at IS NOT NULL AND NOT queued AND NOT to_person AND outcome NOT IN ${NOT_RESOLVED})::int AS contained,
  count(*) FILTER (WHERE outcome = 'callerHungUp' AND NOT queued AND NOT to_person)::int AS ivr_hangups,
  count(*) FILTER (WHERE queued)::int AS queued,
  count(*) FILTER (WHERE to_person AND NOT queued)::int AS transferred
FROM c GROUP BY flow_id, bucket`;
}
