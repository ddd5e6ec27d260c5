import { useCallback, useEffect, useId, useRef, useState } from 'react';
import { api, ApiError, type DeskView, type Me } from '../api/client.js';
import { CallCard } from './CallCard.js';
import { LiveSocket, socketUrl, type LiveStatus } from './live-socket.js';
import { useBrowserPhone, type BrowserPhone } from './browser-phone.js';
import { clock, endpointKindLabel, spoken, stateLabel } from './presence.js';
import { useNow } from './use-now.js';

/** The adviser's desk: their state, where calls ring, and the call in front of them. Live over a websocket. */
export function DeskScreen({ me }: { me: Me }) {
  const [view, setView] = useState<DeskView>();
  const [status, setStatus] = useState<LiveStatus>('connecting');
  const [refused, setRefused] = useState<string>();
  const [problem, setProblem] = useState<string>();
  /** Difference between the engine's clock and this browser's, so timers agree with the engine. */
  const skew = useRef(0);
  const now = useNow(500) + skew.current;

  useEffect(() => {
    const live = new LiveSocket({
      url: socketUrl('/api/desk/live'),
      onStatus: setStatus,
      onRefused: (_code, reason) => setRefused(reason === 'not an agent' ? `No agent is linked to ${me.username}. An admin links one on the Agents screen (“Signs in to the desk as”).` : 'You have been signed out. Sign in again to use the desk.'),
      onMessage: (message) => {
        const m = message as { type: string; view?: DeskView; at?: string; message?: string };
        if (m.type === 'view' && m.view) {
          skew.current = Date.parse(m.view.at) - Date.now();
          setView(m.view);
        } else if (m.type === 'notAgent') setRefused(`No agent is linked to ${me.username}. An admin links one on the Agents screen (“Signs in to the desk as”).`);
        else if (m.type === 'error' && m.message) setProblem(m.message);
      },
    });
    return () => live.close();
  }, [me.username]);

  const phone = useBrowserPhone(view);

  /** Runs a desk action; its refusal is shown (and announced) in the desk's message area. */
  const act = useCallback(async (what: () => Promise<unknown>) => {
    setProblem(undefined);
    try {
      await what();
    } catch (e) {
      setProblem(e instanceof ApiError ? (e.detail ?? e.title) : (e as Error).message);
    }
  }, []);

  if (refused) {
    return (
      <main className="desk" aria-label="Agent desk">
        <h1>Agent desk</h1>
        <p className="desk-refused" role="alert">
          {refused}
        </p>
      </main>
    );
  }

  return (
    <main className="desk" aria-label="Agent desk">
      <header className="desk-header">
        <h1>Agent desk</h1>
        {view && <span className="desk-who">{view.agent.name}</span>}
        <ConnectionBadge status={status} />
      </header>
      {status === 'cut-off' && (
        <p className="desk-banner desk-banner-error" role="alert">
          Connection to frontdoor lost — reconnecting. Calls already connected carry on; new calls are not shown until the desk is back.
        </p>
      )}
      {problem && (
        <p className="desk-banner desk-banner-warning" role="alert">
          {problem}{' '}
          <button type="button" className="link" onClick={() => setProblem(undefined)}>
            Dismiss
          </button>
        </p>
      )}
      {!view ? (
        <p className="muted" aria-live="polite">
          Opening your desk…
        </p>
      ) : (
        <div className="desk-body">
          <aside className="desk-side" aria-label="Your status">
            <StatusPanel view={view} now={now} act={act} />
            <RingsOnPanel view={view} phone={phone} act={act} />
          </aside>
          <section className="desk-main" aria-label="Calls">
            {view.call ? (
              <CallCard view={view} call={view.call} now={now} phone={phone} act={act} />
            ) : (
              <Waiting view={view} />
            )}
          </section>
        </div>
      )}
    </main>
  );
}

function ConnectionBadge({ status }: { status: LiveStatus }) {
  const label = { connecting: 'Connecting…', live: 'Live', 'cut-off': 'Reconnecting…' }[status];
  return (
    <span className={`connection connection-${status}`} role="status" aria-label={`Connection: ${label}`}>
      <span className="connection-dot" aria-hidden="true" />
      {label}
    </span>
  );
}

function Waiting({ view }: { view: DeskView }) {
  const { state } = view.state;
  const text =
    state === 'available'
      ? 'Waiting for a call. It will show here with what the caller has said, before you answer.'
      : state === 'break'
        ? 'You are on a break: no calls are offered to you. Choose Available when you are back.'
        : state === 'offline'
          ? 'You are offline. Choose Available to start taking calls.'
          : 'Nothing in front of you.';
  return (
    <div className="desk-waiting">
      <h2>{state === 'available' ? 'Ready for calls' : stateLabel[state]}</h2>
      <p className="muted">{text}</p>
    </div>
  );
}

/** State control: available, a break with a council reason, offline; the time in the state; wrap-up counting down. */
function StatusPanel({ view, now, act }: { view: DeskView; now: number; act(what: () => Promise<unknown>): Promise<void> }) {
  const id = useId();
  const { state, reason, since, wrapEndsAt } = view.state;
  const [breakReason, setBreakReason] = useState(view.breakReasons[0]?.id ?? '');
  const inState = since ? now - Date.parse(since) : undefined;
  const busy = state === 'ringing' || state === 'on_call';
  const wrapLeft = wrapEndsAt ? Math.max(0, Date.parse(wrapEndsAt) - now) : undefined;
  return (
    <section className="desk-card" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>Status</h2>
      <p className="status-now">
        <span className={`state-pill state-${state} state-pill-large`}>{stateLabel[state]}</span>
        {reason && <span className="status-reason">{reason}</span>}
        {inState !== undefined && (
          <span className="state-time status-timer" aria-label={`for ${spoken(inState)}`}>
            {clock(inState)}
          </span>
        )}
      </p>
      {wrapLeft !== undefined && (
        <p className="wrap-countdown">
          Wrap-up ends in <strong>{clock(wrapLeft)}</strong>
          <progress max={1} value={Math.min(1, wrapLeft / 60_000)} aria-label="Wrap-up time left" />
        </p>
      )}
      <div className="status-actions">
        <button type="button" className="primary" disabled={busy || state === 'available'} onClick={() => void act(() => api.setDeskState({ state: 'available' }))}>
          {state === 'wrap_up' ? 'Ready for the next call' : 'Available'}
        </button>
        <div className="break-control">
          <label htmlFor={`${id}-reason`}>Break reason</label>
          <div className="break-row">
            <select id={`${id}-reason`} value={breakReason} disabled={busy} onChange={(e) => setBreakReason(e.target.value)}>
              {view.breakReasons.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.name}
                </option>
              ))}
            </select>
            <button type="button" disabled={busy || !breakReason} onClick={() => void act(() => api.setDeskState({ state: 'break', reasonId: breakReason }))}>
              Take a break
            </button>
          </div>
        </div>
        <button type="button" disabled={busy || state === 'offline'} onClick={() => void act(() => api.setDeskState({ state: 'offline' }))}>
          Go offline
        </button>
      </div>
      {busy && <p className="help">Your state can change once this call is over.</p>}
    </section>
  );
}

/** Where calls ring: the adviser's endpoints, and the browser phone's registration. */
function RingsOnPanel({ view, phone, act }: { view: DeskView; phone: BrowserPhone; act(what: () => Promise<unknown>): Promise<void> }) {
  const id = useId();
  const { endpoints, activeEndpoint } = view.agent;
  return (
    <section className="desk-card" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>Calls ring on</h2>
      {endpoints.length === 0 ? (
        <p className="muted">No phone is set up for you: an admin adds one on the Agents screen.</p>
      ) : (
        <fieldset className="rings-on">
          <legend className="visually-hidden">Where calls ring</legend>
          {endpoints.map((e, i) => (
            <div className="field field-inline" key={i}>
              <input
                type="radio"
                id={`${id}-ep${i}`}
                name={`${id}-ep`}
                checked={activeEndpoint === i}
                disabled={view.state.state === 'ringing' || view.state.state === 'on_call'}
                onChange={() => void act(() => api.setDeskEndpoint(i))}
              />
              <label htmlFor={`${id}-ep${i}`}>
                {e.label ?? endpointKindLabel[e.kind]} <span className="muted">{e.kind === 'webrtc' ? '' : e.value}</span>
              </label>
            </div>
          ))}
        </fieldset>
      )}
      {endpoints[activeEndpoint]?.kind === 'webrtc' && (
        <p className={`phone-status phone-${phone.status}`} role="status">
          {phone.statusText}
        </p>
      )}
    </section>
  );
}
