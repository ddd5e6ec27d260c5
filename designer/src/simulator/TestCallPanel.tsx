import { useEffect, useRef, useState } from 'react';
import { api, type VersionSummary } from '../api/client.js';
import { useFlowStore, useFlowStoreApi } from '../store/context.js';
import { MicRecorder } from './microphone.js';
import { nextBankHoliday, nextSaturdayLate, RECOGNIZER_LABELS } from './test-call-client.js';
import { scriptFromCall } from './test-call-script.js';
import { useTestCall } from './use-test-call.js';

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'];

/** Which flow a test call runs: the draft as it is now, the live version, or any published version. */
type Target = 'draft' | 'live' | `v${number}`;

/** A phone in the browser: calls the draft (or a published version) through the engine's simulator and follows it on the canvas. */
export function TestCallPanel({ liveVersion, versionsKey = 0 }: { liveVersion?: number | undefined; versionsKey?: number }) {
  const store = useFlowStoreApi();
  const flowId = useFlowStore((s) => s.flowId);
  const [follow, setFollow] = useState(true);
  const call = useTestCall(follow);
  const [target, setTarget] = useState<Target>('draft');
  const [versions, setVersions] = useState<VersionSummary[]>([]);
  const [speech, setSpeech] = useState('');
  const [at, setAt] = useState('');
  const [recorder, setRecorder] = useState<MicRecorder>();
  const [from, setFrom] = useState('+447700900123');
  const [world, setWorld] = useState('');
  const [desk, setDesk] = useState(false);
  const [worldError, setWorldError] = useState<string>();
  const [saving, setSaving] = useState<{ name: string; message?: string }>();
  const log = useRef<HTMLOListElement>(null);
  const holiday = nextBankHoliday(new Date());

  useEffect(() => {
    api.versions(flowId).then(setVersions, () => setVersions([]));
  }, [flowId, versionsKey]);

  const worldJson = (): Record<string, unknown> | undefined | false => {
    try {
      const parsed = world.trim() === '' ? undefined : (JSON.parse(world) as Record<string, unknown>);
      setWorldError(undefined);
      return parsed;
    } catch (e) {
      setWorldError(`The world is not JSON: ${(e as Error).message}`);
      return false;
    }
  };

  const place = () => {
    const w = worldJson();
    if (w === false) return;
    const version = target === 'live' ? undefined : target.startsWith('v') ? Number(target.slice(1)) : undefined;
    setSaving(undefined);
    call.start({
      ...(target === 'draft' ? { flow: store.getState().flow } : {}),
      flowId,
      ...(version !== undefined ? { version } : {}),
      ...(at ? { at: new Date(at).toISOString() } : {}),
      ...(from.trim() ? { from: from.trim() } : {}),
      ...(w ? { world: w } : {}),
      ...(desk ? { desk: true } : {}),
    });
  };

  const saveAsTest = async (name: string) => {
    const w = worldJson();
    try {
      const saved = (await api.tests(flowId)) as { calls?: unknown[]; world?: unknown };
      const script = scriptFromCall(call.events, { name, ...(at ? { at: new Date(at).toISOString() } : {}), from: from.trim(), ...(w ? { world: w } : {}) });
      const calls = [...(saved.calls ?? []).filter((c) => (c as { name?: string }).name !== name), script];
      await api.saveTests(flowId, { ...saved, calls });
      setSaving({ name, message: `Saved “${name}” with the flow's tests (${calls.length} in all). Run them on the Tests tab.` });
      window.dispatchEvent(new CustomEvent('frontdoor:tests-changed'));
    } catch (e) {
      setSaving({ name, message: `Could not save the test: ${(e as Error).message}` });
    }
  };

  /**
   * Record: start the microphone; press again to stop and send what was said as phone audio, heard by the
   * recogniser phone calls use (not the browser's own, which would flatter the flow as typed words do).
   */
  const record = async () => {
    if (recorder) {
      setRecorder(undefined);
      const recording = await recorder.stop();
      call.speak(recording.audio, recording.sampleRateHz, recording.seconds);
      return;
    }
    try {
      setRecorder(await MicRecorder.start());
    } catch (e) {
      call.note(`The microphone could not start: ${(e as Error).message}`);
    }
  };

  useEffect(() => () => void recorder?.stop(), [recorder]);
  const { setRecognizer } = call;
  useEffect(() => {
    let current = true;
    api.health().then(
      (health) => current && health.speech && setRecognizer(health.speech.recognizer),
      () => undefined, // the panel still works; the note appears once a call starts
    );
    return () => {
      current = false;
    };
  }, [setRecognizer]);

  useEffect(() => {
    log.current?.lastElementChild?.scrollIntoView?.({ block: 'nearest' });
  }, [call.lines]);

  const inCall = call.state === 'in-call';
  const live = versions.find((v) => v.published)?.version ?? liveVersion;
  const callLabel = target === 'draft' ? 'Call the draft' : target === 'live' ? 'Call the live version' : `Call version ${target.slice(1)}`;
  return (
    <section
      className="test-call"
      aria-label="Test call"
      onKeyDown={(e) => {
        if (e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement || e.target instanceof HTMLSelectElement) return;
        if (KEYS.includes(e.key)) {
          call.press(e.key);
          e.preventDefault();
        }
      }}
    >
      {inCall || call.state === 'ringing' ? (
        <p className="test-call-summary">
          Calling <strong>{target === 'draft' ? 'the draft' : target === 'live' ? `the live version` : `version ${target.slice(1)}`}</strong>
          {at ? ` at ${new Date(at).toLocaleString('en-GB', { weekday: 'long', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' })}` : ' now'} from {from}
        </p>
      ) : (
      <div className="test-call-setup">
        <div className="field">
          <label htmlFor="test-call-target">Which version</label>
          <select id="test-call-target" value={target} disabled={inCall} onChange={(e) => setTarget(e.target.value as Target)}>
            <option value="draft">The draft (as it is now)</option>
            {live !== undefined && <option value="live">The live version (version {live})</option>}
            {[...versions]
              .sort((a, b) => b.version - a.version)
              .map((v) => (
                <option key={v.version} value={`v${v.version}`}>
                  Version {v.version}
                  {v.note ? `: ${v.note.slice(0, 40)}` : ''}
                </option>
              ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="test-call-at">Call at</label>
          <input id="test-call-at" type="datetime-local" value={at} disabled={inCall} onChange={(e) => setAt(e.target.value)} />
          <div className="presets" role="group" aria-label="Clock presets">
            <button type="button" disabled={inCall} onClick={() => setAt('')}>
              Now
            </button>
            <button type="button" disabled={inCall} onClick={() => setAt(nextSaturdayLate(new Date()))}>
              Saturday 23:30
            </button>
            {holiday && (
              <button type="button" disabled={inCall} onClick={() => setAt(holiday.at)} title={`${holiday.name}, ${holiday.at.slice(0, 10)}`}>
                Next bank holiday
              </button>
            )}
          </div>
        </div>
        <div className="field">
          <label htmlFor="test-call-from">Caller's number</label>
          <input id="test-call-from" value={from} disabled={inCall} onChange={(e) => setFrom(e.target.value)} />
        </div>
        <div className="field field-inline">
          <input id="test-call-desk" type="checkbox" checked={desk} aria-describedby="test-call-desk-help" onChange={(e) => setDesk(e.target.checked)} />
          <label htmlFor="test-call-desk">Ring the agent desk</label>
          <small id="test-call-desk-help" className="help">
            Queues offer the call to advisers signed in to the desk (it shows there as a test call) instead of simulated agents.
          </small>
        </div>
        <details className="world">
          <summary>How the outside world answers</summary>
          <label htmlFor="test-call-world">World (JSON)</label>
          <textarea
            id="test-call-world"
            rows={4}
            value={world}
            aria-invalid={worldError ? true : undefined}
            placeholder='{ "destinations": { "sip:bins@pbx.example.gov.uk": "busy" }, "payments": "declined" }'
            onChange={(e) => setWorld(e.target.value)}
          />
          {worldError && (
            <small className="field-error" role="alert">
              {worldError}
            </small>
          )}
        </details>
      </div>
      )}
      <div className="call-buttons">
        {inCall || call.state === 'ringing' ? (
          <button type="button" className="danger" onClick={call.hangup}>
            Hang up
          </button>
        ) : (
          <button type="button" className="primary" onClick={place}>
            {call.state === 'ended' ? `${callLabel} again` : callLabel}
          </button>
        )}
        <span className="call-state" aria-live="polite">
          {call.state === 'idle' ? 'Ready' : call.state === 'ringing' ? 'Connecting…' : call.state === 'in-call' ? 'In call' : 'Call ended'}
        </span>
        <label className="follow">
          <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} /> Follow the call on the canvas
        </label>
      </div>
      <div className="phone">
        <div className="keypad" role="group" aria-label="Keypad">
          {KEYS.map((k) => (
            <button key={k} type="button" disabled={!inCall} aria-label={`Press ${k}`} onClick={() => call.press(k)}>
              {k}
            </button>
          ))}
        </div>
        <div className="keys-entered" aria-live="polite" aria-label="Keys pressed">
          {call.secret ? <span className="secret">Card details go to the payment service only {call.keys}</span> : call.keys || <span className="muted">Keys you press show here</span>}
        </div>
      </div>
      <form
        className="say"
        onSubmit={(e) => {
          e.preventDefault();
          call.say(speech);
          setSpeech('');
        }}
      >
        <label htmlFor="test-call-say">The caller says</label>
        <input id="test-call-say" value={speech} disabled={!inCall} onChange={(e) => setSpeech(e.target.value)} placeholder="e.g. I want to report a pothole" />
        <button type="submit" disabled={!inCall}>
          Say
        </button>
        <button
          type="button"
          className={recorder ? 'danger' : undefined}
          disabled={!inCall && !recorder}
          aria-pressed={recorder !== undefined}
          title="Speak into the microphone: the engine hears it through a phone line, as callers are heard"
          onClick={() => void record()}
        >
          {recorder ? 'Stop and send' : 'Record'}
        </button>
      </form>
      {call.recognizer && (
        <p className="recognizer-note" role="note">
          Phone calls on this engine are heard by <strong>{RECOGNIZER_LABELS[call.recognizer].name}</strong>. {RECOGNIZER_LABELS[call.recognizer].note}
        </p>
      )}
      {call.variables.length > 0 && (
        <table className="call-variables" aria-label="Variables">
          <caption>Variables</caption>
          <tbody>
            {call.variables.map((v) => (
              <tr key={v.name} className={v.fresh ? 'is-fresh' : undefined}>
                <th scope="row">{v.name}</th>
                <td>{v.value}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ol className="transcript" aria-label="Transcript" aria-live="polite" ref={log}>
        {call.lines.map((line) => (
          <li key={line.key} className={`line-${line.kind}`}>
            {line.kind === 'step' ? (
              <button type="button" className="link" title="Show this step on the canvas" onClick={() => store.getState().revealNode(line.nodeId)}>
                {line.text}
              </button>
            ) : line.kind === 'caller' ? (
              <>Caller {line.text}</>
            ) : (
              line.text
            )}
          </li>
        ))}
      </ol>
      {call.state === 'ended' && call.callId && (
        <p>
          <a href={`#/calls/${encodeURIComponent(call.callId)}`}>Open this call’s record</a>
        </p>
      )}
      {call.state === 'ended' && call.events.length > 0 && (
        <form
          className="save-test"
          onSubmit={(e) => {
            e.preventDefault();
            if (saving?.name.trim()) void saveAsTest(saving.name.trim());
          }}
        >
          <label htmlFor="save-test-name">Save this call as a flow test</label>
          <div className="inline-form">
            <input id="save-test-name" placeholder="e.g. Resident reports a pothole" value={saving?.name ?? ''} onChange={(e) => setSaving({ name: e.target.value })} />
            <button type="submit" disabled={!saving?.name.trim()}>
              Save test
            </button>
          </div>
          {saving?.message && <p role="status">{saving.message}</p>}
        </form>
      )}
    </section>
  );
}
