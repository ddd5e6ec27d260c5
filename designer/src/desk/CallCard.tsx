import { useEffect, useId, useRef, useState } from 'react';
import { api, type DeskView, type TransferTarget } from '../api/client.js';
import { humanise } from '../inspector/json-schema.js';
import type { BrowserPhone } from './browser-phone.js';
import { clock, spoken } from './presence.js';
import { TransferDialog } from './TransferDialog.js';

type Call = NonNullable<DeskView['call']>;
type Act = (what: () => Promise<unknown>) => Promise<void>;

/** What the adviser can do to the call, wherever it rings. */
interface Controls {
  where: Call['answerOn'];
  answer?(): Promise<unknown>;
  decline?(): Promise<unknown>;
  hold?(on: boolean): Promise<unknown>;
  mute?(on: boolean): Promise<unknown>;
  hangup?(): Promise<unknown>;
  transfer?(target: TransferTarget): Promise<unknown>;
  held: boolean;
  muted: boolean;
}

function controlsFor(call: Call, phone: BrowserPhone): Controls {
  if (call.answerOn === 'desk') {
    // The ACD marks the adviser ringing a moment before the caller's engine rings the desk (the caller hears
    // the end of an announcement first): answer and decline wait for the desk to ring.
    const rings = call.leg?.stage === 'ringing';
    return {
      where: 'desk',
      ...(rings ? { answer: () => api.deskAnswer(call.callId), decline: () => api.deskDecline(call.callId) } : {}),
      hold: (on) => api.deskHold(call.callId, on),
      hangup: () => api.deskHangup(call.callId),
      transfer: (target) => api.deskTransfer(call.callId, target),
      held: call.leg?.held ?? false,
      muted: false,
    };
  }
  if (call.answerOn === 'browser') {
    const now = (f: () => void) => async () => f();
    return {
      where: 'browser',
      ...(phone.ringing ? { answer: now(phone.answer), decline: now(phone.decline) } : {}),
      ...(phone.connected
        ? { hold: async (on: boolean) => phone.hold(on), mute: async (on: boolean) => phone.mute(on), hangup: now(phone.hangup), transfer: async (t: TransferTarget) => phone.transfer(t) }
        : {}),
      held: phone.held,
      muted: phone.muted,
    };
  }
  return { where: 'phone', held: false, muted: false };
}

/** The call in front of the adviser: ringing (with its context), connected, or being wrapped up. */
export function CallCard({ view, call, now, phone, act }: { view: DeskView; call: Call; now: number; phone: BrowserPhone; act: Act }) {
  const id = useId();
  const [transferring, setTransferring] = useState(false);
  const state = view.state.state;
  const stage = state === 'ringing' || call.leg?.stage === 'ringing' ? 'ringing' : state === 'on_call' || call.leg?.stage === 'talking' || phone.connected ? 'talking' : 'wrap-up';
  const controls = controlsFor(call, phone);
  const context = call.context;
  const waited = context?.waitingSince ? now - Date.parse(context.waitingSince) : undefined;
  const since = view.state.since ? now - Date.parse(view.state.since) : undefined;
  const heading = stage === 'ringing' ? 'Incoming call' : stage === 'talking' ? 'On a call' : 'Wrap-up';

  return (
    <article className={`call-card call-${stage}`} aria-labelledby={`${id}-h`}>
      <div className="call-head">
        <div>
          <h2 id={`${id}-h`} className="call-title">
            {heading}
            {context?.kind === 'test' && <span className="badge-test">Test call</span>}
          </h2>
          <p className="caller-number">{context?.callerNumber ?? 'Unknown number'}</p>
          <p className="call-facts">
            {context?.queueName && <span>{context.queueName} queue</span>}
            {stage === 'ringing' && waited !== undefined && <span aria-label={`waited ${spoken(waited)}`}>waited {clock(waited)}</span>}
            {stage === 'talking' && since !== undefined && <span aria-label={`talking for ${spoken(since)}`}>talking {clock(since)}</span>}
            {stage === 'talking' && controls.held && <span className="on-hold">Caller on hold</span>}
          </p>
        </div>
        {/* Announced once per stage for screen readers: a call ringing must not go unnoticed. */}
        <p className="visually-hidden" role="alert">
          {stage === 'ringing' ? `Incoming call from ${context?.callerNumber ?? 'an unknown number'}${context?.queueName ? `, ${context.queueName} queue` : ''}.` : ''}
        </p>
        <CallButtons stage={stage} controls={controls} act={act} onTransfer={() => setTransferring(true)} />
      </div>
      {context && <CallContext context={context} />}
      {stage === 'talking' && <NotePanel key={call.callId} call={call} act={act} />}
      {stage === 'wrap-up' && <WrapUpPanel key={`wrap-${call.callId}`} view={view} call={call} act={act} />}
      {transferring && (
        <TransferDialog
          onCancel={() => setTransferring(false)}
          onTransfer={async (target) => {
            setTransferring(false);
            await act(() => controls.transfer!(target));
          }}
        />
      )}
    </article>
  );
}

function CallButtons({ stage, controls, act, onTransfer }: { stage: 'ringing' | 'talking' | 'wrap-up'; controls: Controls; act: Act; onTransfer(): void }) {
  if (stage === 'ringing') {
    if (controls.where === 'phone') return <p className="call-hint">Ringing on your phone: answer it there.</p>;
    return (
      <div className="call-buttons">
        <button type="button" className="answer" disabled={!controls.answer} onClick={() => void act(controls.answer!)}>
          Answer
        </button>
        <button type="button" className="decline" disabled={!controls.decline} onClick={() => void act(controls.decline!)}>
          Decline
        </button>
      </div>
    );
  }
  if (stage === 'wrap-up') return null;
  if (controls.where === 'phone') return <p className="call-hint">On your phone: hold and transfer there. Take notes here.</p>;
  return (
    <div className="call-buttons" role="group" aria-label="Call controls">
      <button type="button" aria-pressed={controls.held} disabled={!controls.hold} onClick={() => void act(() => controls.hold!(!controls.held))}>
        {controls.held ? 'Resume' : 'Hold'}
      </button>
      {controls.where === 'browser' && (
        <button type="button" aria-pressed={controls.muted} disabled={!controls.mute} onClick={() => void act(() => controls.mute!(!controls.muted))}>
          {controls.muted ? 'Unmute' : 'Mute'}
        </button>
      )}
      <button type="button" disabled={!controls.transfer} onClick={onTransfer}>
        Transfer…
      </button>
      <button type="button" className="decline" disabled={!controls.hangup} onClick={() => void act(controls.hangup!)}>
        End call
      </button>
    </div>
  );
}

/** Everything known about the caller before anyone says hello. */
function CallContext({ context }: { context: NonNullable<Call['context']> }) {
  const variables = Object.entries(context.variables);
  return (
    <div className="call-context">
      <section className="context-block context-said" aria-label="What the caller said">
        <h3>What the caller said or pressed</h3>
        {context.heard.length === 0 ? (
          <p className="muted">Nothing yet.</p>
        ) : (
          <ul className="heard">
            {context.heard.map((h, i) => (
              <li key={i}>
                {h.kind === 'said' ? <q>{h.text}</q> : <span>Pressed {h.text}</span>} <span className="muted">at “{h.step}”</span>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section className="context-block" aria-label="Case details">
        <h3>Case details</h3>
        {variables.length === 0 ? (
          <p className="muted">None.</p>
        ) : (
          <dl className="case-details">
            {variables.map(([name, value]) => (
              <div key={name}>
                <dt>{humanise(name)}</dt>
                <dd>{String(value)}</dd>
              </div>
            ))}
          </dl>
        )}
      </section>
      <section className="context-block" aria-label="Their way through the line">
        <h3>Their way through the line</h3>
        <ol className="call-path">
          {context.path.map((step, i) => (
            <li key={i}>{step}</li>
          ))}
        </ol>
      </section>
      <section className="context-block" aria-label="Earlier calls from this number">
        <h3>Earlier calls from this number</h3>
        {context.previousCalls.length === 0 ? (
          <p className="muted">None in the last days.</p>
        ) : (
          <ul className="previous-calls">
            {context.previousCalls.map((c) => (
              <li key={c.callId}>
                <span className="previous-when">{new Date(c.startedAt).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' })}</span>{' '}
                {c.disposition ? <strong>{c.disposition}</strong> : <span className="muted">{c.outcome ?? 'no wrap-up'}</span>}
                {c.note && <span className="previous-note"> — {c.note}</span>}
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}

/** The adviser's note, kept as they type (a second after the last key). */
function NotePanel({ call, act }: { call: Call; act: Act }) {
  const id = useId();
  const [note, setNote] = useState(call.note);
  const [saved, setSaved] = useState<string>(call.note ? 'Saved.' : '');
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  const change = (text: string) => {
    setNote(text);
    setSaved('Not saved yet…');
    clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      void act(async () => {
        await api.saveNote(call.callId, text);
        setSaved('Saved.');
      });
    }, 1000);
  };
  return (
    <section className="note-panel">
      <label htmlFor={`${id}-note`}>
        Note on this call
      </label>
      <textarea id={`${id}-note`} rows={4} value={note} maxLength={4000} aria-describedby={`${id}-saved ${id}-help`} onChange={(e) => change(e.target.value)} />
      <small id={`${id}-help`} className="help">
        Kept on the call record. Never write card numbers here.
      </small>
      <small id={`${id}-saved`} className="muted" aria-live="polite">
        {saved}
      </small>
    </section>
  );
}

/** Wrap-up: how the call ended (the council's codes) and the final note, stored on the call record. */
function WrapUpPanel({ view, call, act }: { view: DeskView; call: Call; act: Act }) {
  const id = useId();
  const [code, setCode] = useState(call.dispositionId ?? '');
  const [problem, setProblem] = useState<string>();
  return (
    <form
      className="wrap-up"
      aria-labelledby={`${id}-h`}
      onSubmit={(e) => {
        e.preventDefault();
        if (!code) {
          setProblem('Choose how the call ended.');
          return;
        }
        setProblem(undefined);
        const note = (document.getElementById(`${id}-final`) as HTMLTextAreaElement | null)?.value ?? call.note;
        void act(() => api.wrapUp(call.callId, { dispositionId: code, note }));
      }}
    >
      <h3 id={`${id}-h`}>Finish the call</h3>
      <fieldset className={`dispositions${problem ? ' field-invalid' : ''}`} aria-describedby={problem ? `${id}-problem` : undefined}>
        <legend>How did the call end?</legend>
        {view.dispositionCodes.map((d) => (
          <div className="field field-inline" key={d.id}>
            <input type="radio" id={`${id}-${d.id}`} name={`${id}-code`} value={d.id} checked={code === d.id} onChange={() => setCode(d.id)} />
            <label htmlFor={`${id}-${d.id}`}>{d.name}</label>
          </div>
        ))}
        {problem && (
          <small id={`${id}-problem`} className="field-error">
            {problem}
          </small>
        )}
      </fieldset>
      <div className="field">
        <label htmlFor={`${id}-final`}>Final note</label>
        <textarea id={`${id}-final`} rows={3} defaultValue={call.note} maxLength={4000} />
      </div>
      <div className="form-actions">
        <button type="submit" className="primary">
          Finish wrap-up
        </button>
      </div>
    </form>
  );
}
