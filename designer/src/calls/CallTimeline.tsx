import { useEffect, useMemo, useState } from 'react';
import { CallStory, type StoryLine } from '../../../engine/src/core/runtime/call-story.js';
import type { CallEvent } from '../../../engine/src/ports/call-events.js';
import { api, type CallSummary, type FlowSummary } from '../api/client.js';
import { callLength, clock, flowLabel, ResultBadge, when } from './call-format.js';

interface TimelineEntry {
  at: number;
  line: StoryLine;
}

/** A call's events told in words, each with its time; a step's lines sit under it. */
export function timelineOf(events: readonly CallEvent[]): { entries: TimelineEntry[]; variables: Map<string, string> } {
  const story = new CallStory();
  const entries: TimelineEntry[] = [];
  const variables = new Map<string, string>();
  for (const event of events) {
    const line = story.tell(event);
    if (!line) continue;
    if (line.kind === 'variable') variables.set(line.name, line.value);
    entries.push({ at: event.at, line });
  }
  return { entries, variables };
}

/** One call, step by step: what the caller heard, said and pressed (secret keys hidden), the exits taken, the variables, the times. */
export function CallTimeline({ callId }: { callId: string }) {
  const [call, setCall] = useState<CallSummary>();
  const [events, setEvents] = useState<CallEvent[]>([]);
  const [flows, setFlows] = useState<FlowSummary[]>([]);
  const [error, setError] = useState<string>();
  useEffect(() => {
    Promise.all([api.getCall(callId), api.callEvents(callId)]).then(
      ([c, e]) => {
        setCall(c);
        setEvents(e);
      },
      (e: Error) => setError(e.message),
    );
    api.listFlows().then(setFlows, () => setFlows([]));
  }, [callId]);
  const { entries, variables } = useMemo(() => timelineOf(events), [events]);
  if (error) return <p className="field-error" role="alert">Could not open the call: {error}</p>;
  if (!call) return <p aria-live="polite">Opening the call…</p>;
  const start = events[0]?.at ?? Date.parse(call.startedAt);
  const facts: Array<[string, string | undefined]> = [
    ['Started', when(call.startedAt)],
    ['Length', callLength(call)],
    ['Caller', call.from],
    ['Dialled', call.to],
    ['Flow', flowLabel(call, flows)],
    ['Queue', call.queueId],
    ['Agent', call.agentId],
    ['Waited', call.waitSeconds !== undefined ? clock(call.waitSeconds) : undefined],
    ['Talked', call.talkSeconds !== undefined ? clock(call.talkSeconds) : undefined],
  ];
  return (
    <main className="screen call-timeline" aria-label="Call">
      <p>
        <a href="#/calls">← All calls</a>
      </p>
      <div className="call-head">
        <h1>Call from {call.from}</h1>
        <ResultBadge result={call.result} />
        {call.kind === 'test' && <span className="badge badge-test">Test call (simulated time)</span>}
      </div>
      <dl className="call-facts">
        {facts
          .filter((f): f is [string, string] => f[1] !== undefined)
          .map(([label, value]) => (
            <div key={label}>
              <dt>{label}</dt>
              <dd>
                {label === 'Flow' && call.flowId ? <a href={`#/flows/${encodeURIComponent(call.flowId)}`}>{value}</a> : value}
              </dd>
            </div>
          ))}
      </dl>
      <div className="call-columns">
        <section aria-label="Timeline">
          <h2>What happened</h2>
          <ol className="timeline">
            {entries.map(({ at, line }, i) => (
              <li key={i} className={`line-${line.kind}`}>
                <span className="timeline-time" title={new Date(at).toLocaleTimeString('en-GB')}>
                  +{clock((at - start) / 1000)}
                </span>
                <span className="timeline-text">
                  {line.kind === 'step' && call.flowId ? (
                    <a href={`#/flows/${encodeURIComponent(call.flowId)}?step=${encodeURIComponent(line.nodeId)}`} title="Show this step in the flow">
                      {line.text}
                    </a>
                  ) : line.kind === 'caller' ? (
                    <>Caller {line.text}</>
                  ) : line.kind === 'heard' ? (
                    <>Heard “{line.text}”</>
                  ) : (
                    line.text
                  )}
                </span>
              </li>
            ))}
            {entries.length === 0 && <li className="muted">No events were recorded for this call.</li>}
          </ol>
        </section>
        <div className="call-side">
        {(call.wrapUps?.length ?? 0) > 0 && (
          <section aria-label="Wrap-up">
            <h2>Wrap-up</h2>
            {call.wrapUps!.map((w, i) => (
              <dl key={i} className="wrap-up">
                <dt>Adviser</dt>
                <dd>{w.agentId}</dd>
                {w.disposition && (
                  <>
                    <dt>Outcome</dt>
                    <dd>{w.disposition}</dd>
                  </>
                )}
                <dt>Note</dt>
                <dd>{w.note.trim() === '' ? <span className="muted">No note.</span> : w.note}</dd>
                <dt>{w.wrappedAt ? 'Wrapped up' : 'Started'}</dt>
                <dd>{when(w.wrappedAt ?? w.startedAt)}</dd>
              </dl>
            ))}
          </section>
        )}
        <section aria-label="Variables at the end">
          <h2>Variables at the end</h2>
          {variables.size === 0 ? (
            <p className="muted">The flow set none.</p>
          ) : (
            <table className="call-variables">
              <tbody>
                {[...variables].sort(([a], [b]) => a.localeCompare(b)).map(([name, value]) => (
                  <tr key={name}>
                    <th scope="row">{name}</th>
                    <td>{value}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
        </div>
      </div>
    </main>
  );
}
