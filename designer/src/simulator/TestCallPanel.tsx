import { useEffect, useRef, useState } from 'react';
import { api } from '../api/client.js';
import { useFlowStore, useFlowStoreApi } from '../store/context.js';
import { MicRecorder } from './microphone.js';
import { christmasMorning, nextSaturdayLate, RECOGNIZER_LABELS, TestCallConnection, type PhoneRecognizer, type TestCallMessage } from './test-call-client.js';

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'];

interface TranscriptLine {
  who: 'caller' | 'flow' | 'system';
  text: string;
  nodeId?: string;
}

/** A phone in the browser: calls the draft through the engine's simulator and follows it on the canvas. */
export function TestCallPanel() {
  const store = useFlowStoreApi();
  const flowId = useFlowStore((s) => s.flowId);
  const [connection, setConnection] = useState<TestCallConnection>();
  const [state, setState] = useState<'idle' | 'ringing' | 'in-call' | 'ended'>('idle');
  const [transcript, setTranscript] = useState<TranscriptLine[]>([]);
  const [speech, setSpeech] = useState('');
  const [at, setAt] = useState('');
  const [recorder, setRecorder] = useState<MicRecorder>();
  const [recognizer, setRecognizer] = useState<PhoneRecognizer>();
  const [from, setFrom] = useState('+447700900123');
  const [world, setWorld] = useState('');
  const [desk, setDesk] = useState(false);
  const [worldError, setWorldError] = useState<string>();
  const audio = useRef<HTMLAudioElement | null>(null);
  const audioQueue = useRef<string[]>([]);
  const log = useRef<HTMLOListElement>(null);
  /** True while the caller is on the payment line: their keys are card details, never shown. */
  const onPaymentLine = useRef(false);

  const add = (line: TranscriptLine) => setTranscript((t) => [...t, line]);

  const playNext = () => {
    const url = audioQueue.current.shift();
    if (!url) {
      audio.current = null;
      return;
    }
    const a = new Audio(url);
    audio.current = a;
    a.onended = playNext;
    a.onerror = playNext;
    a.play().catch(playNext);
  };
  const stopAudio = () => {
    audioQueue.current = [];
    audio.current?.pause();
    audio.current = null;
  };

  const onMessage = (m: TestCallMessage) => {
    switch (m.type) {
      case 'started':
        setState('in-call');
        if (m.recognizer) setRecognizer(m.recognizer);
        add({ who: 'system', text: `Call ${m.callId} connected` });
        break;
      case 'event':
        if (m.event.type === 'node.entered' && m.event.nodeId) {
          store.getState().setActiveNode(m.event.nodeId);
          const node = store.getState().flow.nodes.find((n) => n.id === m.event.nodeId);
          add({ who: 'system', text: `→ ${node?.name ?? m.event.nodeId}`, nodeId: m.event.nodeId });
        } else if (m.event.type === 'node.outcome') {
          add({ who: 'system', text: `  ${m.event.nodeId}: ${String(m.event.data.outcome ?? '')}`, nodeId: m.event.nodeId });
        } else if (m.event.type === 'input.speech' && m.event.data.confirm === undefined) {
          const { transcript: words, confidence, heard, error } = m.event.data;
          const sure = typeof confidence === 'number' ? ` (confidence ${confidence.toFixed(2)})` : '';
          add({
            who: 'system',
            text: error ? `  not heard: ${String(error)}` : `  heard “${String(words ?? '')}”${sure}${heard ? ` — flagged: ${String(heard)}` : ''}`,
            ...(m.event.nodeId ? { nodeId: m.event.nodeId } : {}),
          });
        } else if (m.event.type === 'payment.started') {
          onPaymentLine.current = true;
          add({ who: 'system', text: `  payment of reference ${String(m.event.data.reference ?? '')} handed to the payment line: keys are hidden until it ends`, nodeId: m.event.nodeId });
        } else if (m.event.type === 'payment.ended') {
          onPaymentLine.current = false;
          const { status, maskedCard, transactionId, reason } = m.event.data;
          const details = [maskedCard && `card ${String(maskedCard)}`, transactionId && `transaction ${String(transactionId)}`, reason && `reason ${String(reason)}`].filter(Boolean);
          add({ who: 'system', text: `  payment ${String(status)}${details.length ? ` (${details.join(', ')})` : ''}`, nodeId: m.event.nodeId });
        } else if (m.event.type === 'error') {
          add({ who: 'system', text: `Error: ${String(m.event.data.message ?? m.event.data.code ?? '')}` });
        }
        break;
      case 'prompt':
        add({ who: 'flow', text: m.text });
        if (m.audioUrl) {
          audioQueue.current.push(m.audioUrl);
          if (!audio.current) playNext();
        }
        break;
      case 'ended':
        setState('ended');
        add({ who: 'system', text: `Call ended: ${m.outcome}${m.endedAt ? ` at ${m.endedAt}` : ''}` });
        break;
      case 'error':
        add({ who: 'system', text: `Error: ${m.message}` });
        for (const e of m.errors ?? []) add({ who: 'system', text: `  ${e.path}: ${e.message}` });
        for (const d of m.diagnostics ?? []) add({ who: 'system', text: `  ${d.nodeId ?? ''} ${d.message}`, nodeId: d.nodeId });
        break;
    }
  };

  const call = () => {
    let worldJson: Record<string, unknown> | undefined;
    try {
      worldJson = world.trim() === '' ? undefined : (JSON.parse(world) as Record<string, unknown>);
      setWorldError(undefined);
    } catch (e) {
      setWorldError(`The world is not JSON: ${(e as Error).message}`);
      return;
    }
    connection?.close();
    stopAudio();
    store.getState().clearTestCall();
    onPaymentLine.current = false;
    setTranscript([]);
    setState('ringing');
    const c = new TestCallConnection(
      {
        flow: store.getState().flow,
        flowId,
        ...(at ? { at: new Date(at).toISOString() } : {}),
        ...(from.trim() ? { from: from.trim() } : {}),
        ...(worldJson ? { world: worldJson } : {}),
        ...(desk ? { desk: true } : {}),
      },
      onMessage,
      () => setState((s) => (s === 'ended' ? s : 'ended')),
    );
    setConnection(c);
  };

  const press = (key: string) => {
    if (state !== 'in-call' || !connection) return;
    stopAudio();
    connection.press(key);
    // Card details keyed on the payment line are never echoed, not even here.
    add({ who: 'caller', text: onPaymentLine.current ? 'pressed • (to the payment line)' : `pressed ${key}` });
  };

  const say = (text: string) => {
    if (state !== 'in-call' || !connection || text.trim() === '') return;
    stopAudio();
    connection.say(text.trim());
    add({ who: 'caller', text: `“${text.trim()}”` });
    setSpeech('');
  };

  /** Record: start the microphone; press again to stop and send what was said as phone audio. */
  const record = async () => {
    if (recorder) {
      setRecorder(undefined);
      const recording = await recorder.stop();
      if (state !== 'in-call' || !connection) return;
      stopAudio();
      connection.speak(recording.audio, recording.sampleRateHz);
      add({ who: 'caller', text: `(spoke for ${recording.seconds.toFixed(1)} s into the microphone)` });
      return;
    }
    try {
      setRecorder(await MicRecorder.start());
    } catch (e) {
      add({ who: 'system', text: `Microphone: ${(e as Error).message}` });
    }
  };

  useEffect(() => () => connection?.close(), [connection]);
  useEffect(() => () => void recorder?.stop(), [recorder]);
  useEffect(() => {
    let current = true;
    api.health().then(
      (health) => current && health.speech && setRecognizer(health.speech.recognizer),
      () => undefined, // the panel still works; the note appears once a call starts
    );
    return () => {
      current = false;
    };
  }, []);
  useEffect(() => {
    log.current?.lastElementChild?.scrollIntoView?.({ block: 'nearest' });
  }, [transcript]);

  const inCall = state === 'in-call';
  return (
    <section
      className="test-call"
      aria-label="Test call"
      onKeyDown={(e) => {
        if (e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement) return;
        if (KEYS.includes(e.key)) {
          press(e.key);
          e.preventDefault();
        }
      }}
    >
      <h2>Test call</h2>
      <div className="clock">
        <label htmlFor="test-call-at">Call at</label>
        <input id="test-call-at" type="datetime-local" value={at} onChange={(e) => setAt(e.target.value)} />
        <div className="presets" role="group" aria-label="Clock presets">
          <button type="button" onClick={() => setAt('')}>
            Now
          </button>
          <button type="button" onClick={() => setAt(nextSaturdayLate(new Date()))}>
            Saturday 23:30
          </button>
          <button type="button" onClick={() => setAt(christmasMorning(new Date()))}>
            Christmas Day 10:00 (bank holiday)
          </button>
        </div>
      </div>
      <div className="field">
        <label htmlFor="test-call-from">Caller's number</label>
        <input id="test-call-from" value={from} onChange={(e) => setFrom(e.target.value)} />
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
      <div className="call-buttons">
        {inCall || state === 'ringing' ? (
          <button
            type="button"
            className="danger"
            onClick={() => {
              connection?.hangup();
              stopAudio();
            }}
          >
            Hang up
          </button>
        ) : (
          <button type="button" className="primary" onClick={call}>
            {state === 'ended' ? 'Call again' : 'Call the draft'}
          </button>
        )}
        <span className="call-state" aria-live="polite">
          {state === 'idle' ? 'Ready' : state === 'ringing' ? 'Connecting…' : state === 'in-call' ? 'In call' : 'Call ended'}
        </span>
      </div>
      <div className="keypad" role="group" aria-label="Keypad">
        {KEYS.map((k) => (
          <button key={k} type="button" disabled={!inCall} aria-label={`Press ${k}`} onClick={() => press(k)}>
            {k}
          </button>
        ))}
      </div>
      <form
        className="say"
        onSubmit={(e) => {
          e.preventDefault();
          say(speech);
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
          onClick={() => void record()}
        >
          {recorder ? 'Stop and send' : 'Record'}
        </button>
      </form>
      {recognizer && (
        <p className="recognizer-note" role="note">
          Phone calls on this engine are heard by <strong>{RECOGNIZER_LABELS[recognizer].name}</strong>. {RECOGNIZER_LABELS[recognizer].note}
        </p>
      )}
      <ol className="transcript" aria-label="Transcript" aria-live="polite" ref={log}>
        {transcript.map((line, i) => (
          <li key={i} className={`line-${line.who}`}>
            {line.nodeId ? (
              <button type="button" className="link" onClick={() => store.getState().focusNode(line.nodeId!)}>
                {line.text}
              </button>
            ) : (
              line.text
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}
