import { useEffect, useState } from 'react';
import { api, type CallQuery, type CallSummary, type FlowSummary, type Paged, type QueueRecord } from '../api/client.js';
import { callLength, flowLabel, ResultBadge, when } from './call-format.js';

const OUTCOMES: Array<[string, string]> = [
  ['', 'Any outcome'],
  ['completed', 'Ended by the flow'],
  ['transferred', 'Transferred'],
  ['callerHungUp', 'The caller hung up'],
  ['answered', 'Answered by an agent'],
  ['voicemail', 'Left a voicemail'],
  ['failed', 'Failed'],
  ['engine-lost', 'Lost (engine stopped)'],
];

/** Every call (phone and test), newest first: find one by number, time, flow, outcome or queue and open its timeline. */
export function CallsScreen({ open }: { open: (callId: string) => void }) {
  const [query, setQuery] = useState<CallQuery>({ page: 1, pageSize: 25 });
  const [number, setNumber] = useState('');
  const [calls, setCalls] = useState<Paged<CallSummary>>();
  const [flows, setFlows] = useState<FlowSummary[]>([]);
  const [queues, setQueues] = useState<QueueRecord[]>([]);
  const [error, setError] = useState<string>();

  useEffect(() => {
    api.listFlows().then(setFlows, () => setFlows([]));
    api.listQueues().then(setQueues, () => setQueues([]));
  }, []);
  // Typing a number searches once the typing pauses.
  useEffect(() => {
    const t = setTimeout(() => setQuery((q) => ({ ...q, number: number.trim() || undefined, page: 1 })), 300);
    return () => clearTimeout(t);
  }, [number]);
  useEffect(() => {
    api.listCalls(query).then(
      (c) => {
        setCalls(c);
        setError(undefined);
      },
      (e: Error) => setError(e.message),
    );
  }, [query]);

  const set = (changes: Partial<CallQuery>) => setQuery((q) => ({ ...q, ...changes, page: 1 }));
  const pages = calls ? Math.max(1, Math.ceil(calls.total / calls.pageSize)) : 1;
  return (
    <main className="screen calls-screen" aria-label="Calls">
      <div className="screen-head">
        <h1>Calls</h1>
        <p className="muted">Every call and test call, newest first. Open one to see each step, what was said and pressed, and the variables.</p>
      </div>
      <form className="call-filters" role="search" aria-label="Find calls" onSubmit={(e) => e.preventDefault()}>
        <label>
          Number
          <input type="search" value={number} placeholder="e.g. 07700 900123" onChange={(e) => setNumber(e.target.value)} />
        </label>
        <label>
          Flow
          <select value={query.flowId ?? ''} onChange={(e) => set({ flowId: e.target.value || undefined })}>
            <option value="">Any flow</option>
            {flows.map((f) => (
              <option key={f.id} value={f.id}>
                {f.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Outcome
          <select value={query.outcome ?? ''} onChange={(e) => set({ outcome: e.target.value || undefined })}>
            {OUTCOMES.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Queue
          {queues.length > 0 ? (
            <select value={query.queueId ?? ''} onChange={(e) => set({ queueId: e.target.value || undefined })}>
              <option value="">Any queue</option>
              {queues.map((q) => (
                <option key={q.id} value={q.id}>
                  {q.name}
                </option>
              ))}
            </select>
          ) : (
            <input value={query.queueId ?? ''} placeholder="queue id" onChange={(e) => set({ queueId: e.target.value.trim() || undefined })} />
          )}
        </label>
        <label>
          From
          <input type="date" value={query.since?.slice(0, 10) ?? ''} onChange={(e) => set({ since: e.target.value ? new Date(`${e.target.value}T00:00`).toISOString() : undefined })} />
        </label>
        <label>
          To
          <input type="date" value={query.until ? new Date(Date.parse(query.until) - 1).toISOString().slice(0, 10) : ''} onChange={(e) => set({ until: e.target.value ? new Date(Date.parse(`${e.target.value}T00:00`) + 86_400_000).toISOString() : undefined })} />
        </label>
        <label>
          Calls
          <select value={query.kind ?? ''} onChange={(e) => set({ kind: (e.target.value || undefined) as CallQuery['kind'] })}>
            <option value="">Phone and test calls</option>
            <option value="phone">Phone calls</option>
            <option value="test">Test calls</option>
          </select>
        </label>
      </form>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      <table className="records calls-table">
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Caller</th>
            <th scope="col">Dialled</th>
            <th scope="col">Flow</th>
            <th scope="col">Outcome</th>
            <th scope="col">Queue</th>
            <th scope="col">Length</th>
          </tr>
        </thead>
        <tbody>
          {calls?.items.map((c) => (
            <tr key={c.id} className="call-row">
              <td>
                <a
                  href={`#/calls/${encodeURIComponent(c.id)}`}
                  onClick={(e) => {
                    e.preventDefault();
                    open(c.id);
                  }}
                >
                  {when(c.startedAt)}
                </a>
                {c.kind === 'test' && <span className="badge badge-test">Test</span>}
              </td>
              <td>{c.from}</td>
              <td>{c.to}</td>
              <td>{flowLabel(c, flows)}</td>
              <td>
                <ResultBadge result={c.result} />
              </td>
              <td>{c.queueId ? (queues.find((q) => q.id === c.queueId)?.name ?? c.queueId) : '—'}</td>
              <td>{callLength(c)}</td>
            </tr>
          ))}
          {calls?.items.length === 0 && (
            <tr>
              <td colSpan={7} className="muted">
                No calls match.
              </td>
            </tr>
          )}
        </tbody>
      </table>
      {calls && calls.total > calls.pageSize && (
        <nav className="pager" aria-label="Pages">
          <button type="button" disabled={(query.page ?? 1) <= 1} onClick={() => setQuery((q) => ({ ...q, page: (q.page ?? 1) - 1 }))}>
            Newer
          </button>
          <span>
            Page {query.page ?? 1} of {pages} · {calls.total} calls
          </span>
          <button type="button" disabled={(query.page ?? 1) >= pages} onClick={() => setQuery((q) => ({ ...q, page: (q.page ?? 1) + 1 }))}>
            Older
          </button>
        </nav>
      )}
    </main>
  );
}
