import { useEffect, useRef, useState } from 'react';
import { nodeDefinition } from '../../../engine/src/core/catalogue.js';
import { CallStory, type StoryLine } from '../../../engine/src/core/runtime/call-story.js';
import type { CallEvent } from '../../../engine/src/ports/call-events.js';
import { useFlowStoreApi } from '../store/context.js';
import { TestCallConnection, type PhoneRecognizer, type StartTestCall, type TestCallMessage } from './test-call-client.js';

export type CallState = 'idle' | 'ringing' | 'in-call' | 'ended';

/** One line of the transcript: a step, what the caller heard or did, an exit, a problem. */
export type TranscriptLine = StoryLine & { key: number };

/** A variable as the call set it, and whether it changed in the step just taken. */
export interface CallVariable {
  name: string;
  value: string;
  fresh: boolean;
}

/**
 * One test call from the browser: the engine's websocket, the transcript told in the designer's words
 * (the engine's CallStory), the call's variables as they change, the canvas following the caller, and
 * prompts played as audio. Keys pressed in a step that handles secrets (a payment) are never echoed.
 */
export function useTestCall(follow: boolean) {
  const store = useFlowStoreApi();
  const [state, setState] = useState<CallState>('idle');
  const [lines, setLines] = useState<TranscriptLine[]>([]);
  const [variables, setVariables] = useState<CallVariable[]>([]);
  const [keys, setKeys] = useState('');
  const [secret, setSecret] = useState(false);
  const [callId, setCallId] = useState<string>();
  const [recognizer, setRecognizer] = useState<PhoneRecognizer>();
  const connection = useRef<TestCallConnection | undefined>(undefined);
  const events = useRef<CallEvent[]>([]);
  const story = useRef(new CallStory());
  const counter = useRef(0);
  const audio = useRef<HTMLAudioElement | null>(null);
  const audioQueue = useRef<string[]>([]);
  const followRef = useRef(follow);
  followRef.current = follow;

  const add = (line: StoryLine) => setLines((all) => [...all, { ...line, key: ++counter.current }]);

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

  const onEvent = (event: CallEvent) => {
    events.current.push(event);
    // Heard words come as `prompt` messages when they start playing (with their audio): not twice.
    const told = event.type === 'prompt.played' ? undefined : story.current.tell(event);
    if (event.type === 'node.entered' && event.nodeId) {
      const own = !event.nodeId.includes('/');
      if (own) {
        store.getState().setActiveNode(event.nodeId);
        if (followRef.current) store.getState().revealNode(event.nodeId, false);
        const node = store.getState().flow.nodes.find((n) => n.id === event.nodeId);
        setSecret(node ? nodeDefinition(node.kind, node.version)?.traits.sensitive === true : false);
      }
      setVariables((vs) => vs.map((v) => ({ ...v, fresh: false })));
    }
    if (event.type.startsWith('input.')) setKeys('');
    // On the payment line every key is a card detail: never shown, not even as typed.
    if (event.type === 'payment.started') setSecret(true);
    if (told?.kind === 'variable') {
      setVariables((vs) => {
        const others = vs.filter((v) => v.name !== told.name);
        return [...others, { name: told.name, value: told.value, fresh: true }].sort((a, b) => a.name.localeCompare(b.name));
      });
      return;
    }
    if (told) add(told);
  };

  const onMessage = (m: TestCallMessage) => {
    switch (m.type) {
      case 'started':
        setState('in-call');
        setCallId(m.callId);
        if (m.recognizer) setRecognizer(m.recognizer);
        break;
      case 'event':
        onEvent(m.event);
        break;
      case 'prompt':
        add({ kind: 'heard', text: m.text });
        if (m.audioUrl) {
          audioQueue.current.push(m.audioUrl);
          if (!audio.current) playNext();
        }
        break;
      case 'ended':
        setState('ended');
        setSecret(false);
        break;
      case 'error':
        add({ kind: 'problem', text: m.message });
        for (const e of m.errors ?? []) add({ kind: 'problem', text: `${e.path}: ${e.message}` });
        for (const d of m.diagnostics ?? []) add({ kind: 'problem', text: d.message, ...(d.nodeId ? { nodeId: d.nodeId } : {}) });
        break;
    }
  };

  const start = (request: StartTestCall) => {
    connection.current?.close();
    stopAudio();
    store.getState().clearTestCall();
    events.current = [];
    story.current = new CallStory();
    setLines([]);
    setVariables([]);
    setKeys('');
    setCallId(undefined);
    setState('ringing');
    connection.current = new TestCallConnection(request, onMessage, () => setState((s) => (s === 'ringing' ? 'ended' : s === 'in-call' ? 'ended' : s)));
  };

  const press = (key: string) => {
    if (state !== 'in-call' || !connection.current) return;
    stopAudio();
    connection.current.press(key);
    setKeys((k) => k + key);
  };

  const say = (text: string) => {
    if (state !== 'in-call' || !connection.current || text.trim() === '') return;
    stopAudio();
    connection.current.say(text.trim());
  };

  /** Recorded speech (16-bit PCM, base64), heard by the recogniser phone calls use. */
  const speak = (audio: string, sampleRateHz: number, seconds: number) => {
    if (state !== 'in-call' || !connection.current) return;
    stopAudio();
    connection.current.speak(audio, sampleRateHz);
    add({ kind: 'caller', text: `spoke for ${seconds.toFixed(1)} s into the microphone` });
  };

  /** A line of the panel's own (the microphone could not start). */
  const note = (text: string) => add({ kind: 'problem', text });

  const hangup = () => {
    connection.current?.hangup();
    stopAudio();
  };

  useEffect(
    () => () => {
      connection.current?.close();
      stopAudio();
    },
    [],
  );

  return {
    state,
    lines,
    variables,
    keys: secret ? '•'.repeat(keys.length) : keys,
    secret,
    callId,
    recognizer,
    setRecognizer,
    events: events.current,
    start,
    press,
    say,
    speak,
    note,
    hangup,
  };
}
