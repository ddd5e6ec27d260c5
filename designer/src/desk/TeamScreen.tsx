import { useEffect, useRef, useState } from 'react';
import { api, ApiError, type NamedRecord, type TeamView } from '../api/client.js';
import { Dialog } from '../ui/Dialog.js';
import { LiveSocket, socketUrl, type LiveStatus } from './live-socket.js';
import { clock, spoken, stateLabel } from './presence.js';
import { useNow } from './use-now.js';

type Agent = TeamView['agents'][number];

/** The supervisor's view: every adviser's state and time in it, every queue's waiting callers and longest wait. Live. */
export function TeamScreen() {
  const [team, setTeam] = useState<TeamView>();
  const [status, setStatus] = useState<LiveStatus>('connecting');
  const [reasons, setReasons] = useState<NamedRecord[]>([]);
  const [changing, setChanging] = useState<Agent>();
  const [message, setMessage] = useState<{ text: string; error: boolean }>();
  const skew = useRef(0);
  const now = useNow(1000) + skew.current;

  useEffect(() => {
    const live = new LiveSocket({
      url: socketUrl('/api/desk/team'),
      onStatus: setStatus,
      onMessage: (m) => {
        const message = m as { type: string; team?: TeamView };
        if (message.type === 'team' && message.team) {
          skew.current = Date.parse(message.team.at) - Date.now();
          setTeam(message.team);
        }
      },
    });
    api.listBreakReasons().then(setReasons, () => undefined);
    return () => live.close();
  }, []);

  const queueName = (id?: string) => team?.queues.find((q) => q.id === id)?.name ?? id;
  const counts = team ? Object.entries(countBy(team.agents.map((a) => a.state.state))) : [];

  return (
    <main className="screen team" aria-label="Team">
      <header className="desk-header">
        <h1>Team</h1>
        <span className={`connection connection-${status}`} role="status" aria-label={`Connection: ${status === 'live' ? 'Live' : status === 'cut-off' ? 'Reconnecting…' : 'Connecting…'}`}>
          <span className="connection-dot" aria-hidden="true" />
          {status === 'live' ? 'Live' : status === 'cut-off' ? 'Reconnecting…' : 'Connecting…'}
        </span>
      </header>
      {status === 'cut-off' && (
        <p className="desk-banner desk-banner-error" role="alert">
          Connection lost — reconnecting. The figures below are from before it was lost.
        </p>
      )}
      {message && (
        <p className={message.error ? 'field-error' : 'ok-text'} role={message.error ? 'alert' : 'status'}>
          {message.text}
        </p>
      )}
      {team && (
        <>
          <section aria-labelledby="queues-h" className="team-queues">
            <h2 id="queues-h">Queues</h2>
            <ul className="queue-tiles">
              {team.queues.map((q) => {
                const longest = q.longestWaitSince ? now - Date.parse(q.longestWaitSince) : undefined;
                return (
                  <li key={q.id} className={`queue-tile${q.waiting > 0 && q.available === 0 ? ' queue-tile-alert' : ''}`}>
                    <h3>{q.name}</h3>
                    <p className="tile-figure">
                      <span className="tile-number">{q.waiting}</span> waiting
                    </p>
                    <p>
                      Longest wait{' '}
                      {longest !== undefined ? (
                        <strong aria-label={spoken(longest)}>{clock(longest)}</strong>
                      ) : (
                        <span className="muted">none</span>
                      )}
                    </p>
                    <p className="muted">
                      {q.available} free of {q.loggedIn} signed in
                    </p>
                  </li>
                );
              })}
            </ul>
          </section>
          <section aria-labelledby="agents-h">
            <h2 id="agents-h">Agents</h2>
            <p className="muted">{counts.map(([state, n]) => `${n} ${stateLabel[state as Agent['state']['state']].toLowerCase()}`).join(' · ')}</p>
            <table className="records">
              <caption className="visually-hidden">Every agent’s state and how long they have been in it</caption>
              <thead>
                <tr>
                  <th scope="col">Agent</th>
                  <th scope="col">State</th>
                  <th scope="col">For</th>
                  <th scope="col">Call</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {team.agents.map((a) => {
                  const since = a.state.since ? now - Date.parse(a.state.since) : undefined;
                  return (
                    <tr key={a.id}>
                      <th scope="row">{a.name}</th>
                      <td>
                        <span className={`state-pill state-${a.state.state}`}>{stateLabel[a.state.state]}</span>
                        {a.state.reason && <span className="muted"> {a.state.reason}</span>}
                      </td>
                      <td className="state-time">{since !== undefined ? <span aria-label={spoken(since)}>{clock(since)}</span> : '—'}</td>
                      <td>{a.callId ? `${queueName(a.queueId) ?? ''}` : <span className="muted">—</span>}</td>
                      <td className="row-actions">
                        {a.state.state === 'on_call' && a.callId && (
                          <button
                            type="button"
                            aria-label={`Listen in to ${a.name}'s call`}
                            onClick={() =>
                              void api.listenIn(a.callId!).then(
                                (r) => setMessage({ text: `Listening in to ${a.name}'s call: your phone ${r.ringing} rings now.`, error: false }),
                                (e: Error) => setMessage({ text: e instanceof ApiError ? (e.detail ?? e.title) : e.message, error: true }),
                              )
                            }
                          >
                            Listen in
                          </button>
                        )}
                        <button type="button" onClick={() => setChanging(a)} aria-label={`Change state for ${a.name}`} disabled={a.state.state === 'ringing' || a.state.state === 'on_call'}>
                          Change state
                        </button>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </section>
        </>
      )}
      {changing && (
        <ChangeState
          agent={changing}
          reasons={reasons}
          onDone={(text, error) => {
            setChanging(undefined);
            setMessage({ text, error });
          }}
        />
      )}
    </main>
  );
}

function countBy(values: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
}

/** A supervisor sets an adviser available, on a break (with a reason) or offline. */
function ChangeState({ agent, reasons, onDone }: { agent: Agent; reasons: NamedRecord[]; onDone(text: string, error: boolean): void }) {
  const [choice, setChoice] = useState<'available' | 'offline' | string>('available');
  const submit = () => {
    const body = choice === 'available' ? { state: 'available' as const } : choice === 'offline' ? { state: 'offline' as const } : { state: 'break' as const, reasonId: choice };
    api.setAgentState(agent.id, body).then(
      (s) => onDone(`${agent.name} is now ${stateLabel[s.state].toLowerCase()}${s.reason ? ` (${s.reason})` : ''}.`, false),
      (e: Error) => onDone(e instanceof ApiError ? (e.detail ?? e.title) : e.message, true),
    );
  };
  return (
    <Dialog title={`Change state for ${agent.name}`} onCancel={() => onDone('Nothing changed.', false)}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <fieldset>
          <legend>New state</legend>
          {[{ id: 'available', name: 'Available' }, ...reasons.map((r) => ({ id: r.id, name: `Break: ${r.name}` })), { id: 'offline', name: 'Offline' }].map((o) => (
            <div className="field field-inline" key={o.id}>
              <input type="radio" id={`state-${o.id}`} name="new-state" checked={choice === o.id} onChange={() => setChoice(o.id)} />
              <label htmlFor={`state-${o.id}`}>{o.name}</label>
            </div>
          ))}
        </fieldset>
        <div className="dialog-actions">
          <button type="button" onClick={() => onDone('Nothing changed.', false)}>
            Cancel
          </button>
          <button type="submit" className="primary">
            Change state
          </button>
        </div>
      </form>
    </Dialog>
  );
}
