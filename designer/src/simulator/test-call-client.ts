import type { CallEvent } from '../../../engine/src/ports/call-events.js';
import type { Diagnostic } from '../../../engine/src/core/flow/diagnostics.js';
import type { Flow } from '../../../engine/src/core/flow/schema.js';

export type PhoneRecognizer = 'offline' | 'google' | 'none';

/** How the designer names each recogniser, and what its accuracy means for a test call. */
export const RECOGNIZER_LABELS: Record<PhoneRecognizer, { name: string; note: string }> = {
  offline: {
    name: 'the on-machine recogniser (PocketSphinx)',
    note: 'Typed words are matched exactly; callers on the phone are heard far less accurately (see BENCHMARKS.md). Use Record to hear what they get.',
  },
  google: {
    name: 'Google Cloud Speech',
    note: 'Typed words are matched exactly; callers are heard through Google. Use Record to hear what they get.',
  },
  none: { name: 'no recogniser', note: 'This engine has no speech recogniser: callers can only use the keypad.' },
};

/** What the engine sends on /api/test-calls. */
export type TestCallMessage =
  /** `recognizer`: what recognises speech on this engine's phone calls (and audio spoken into a test call). */
  | { type: 'started'; callId: string; recognizer?: PhoneRecognizer }
  | { type: 'event'; event: CallEvent }
  | { type: 'prompt'; text: string; language: string; audioUrl?: string }
  | { type: 'ended'; outcome: string; endedAt?: string }
  | { type: 'error'; message: string; errors?: Array<{ path: string; message: string }>; diagnostics?: Diagnostic[] };

export interface StartTestCall {
  flow?: Flow;
  flowId?: string;
  /** ISO time the call's clock starts at ("Saturday 23:30"); now when absent. */
  at?: string;
  from?: string;
  /** How the outside world answers (destinations busy, queues full, payments declined …), as the simulator reads it. */
  world?: Record<string, unknown>;
  /** Ring the real advisers signed in to the desk instead of simulated agents. */
  desk?: boolean;
}

/** A test call over the engine's websocket: the designer "phones" a draft through the simulator. */
export class TestCallConnection {
  private socket: WebSocket;
  private queue: string[] = [];

  constructor(start: StartTestCall, onMessage: (m: TestCallMessage) => void, onClose: () => void, url = testCallsUrl()) {
    this.socket = new WebSocket(url);
    this.queue.push(JSON.stringify({ type: 'start', ...start }));
    this.socket.addEventListener('open', () => {
      for (const m of this.queue.splice(0)) this.socket.send(m);
    });
    this.socket.addEventListener('message', (e) => {
      try {
        onMessage(JSON.parse(String(e.data)) as TestCallMessage);
      } catch {
        onMessage({ type: 'error', message: `The engine sent something unreadable: ${String(e.data).slice(0, 80)}` });
      }
    });
    this.socket.addEventListener('error', () => onMessage({ type: 'error', message: 'Could not reach the engine for a test call' }));
    this.socket.addEventListener('close', onClose);
  }

  private send(message: object) {
    const text = JSON.stringify(message);
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(text);
    else if (this.socket.readyState === WebSocket.CONNECTING) this.queue.push(text);
  }

  press(digits: string) {
    this.send({ type: 'press', digits });
  }
  say(text: string) {
    this.send({ type: 'say', text });
  }
  /** Recorded speech: 16-bit PCM, base64. */
  speak(audio: string, sampleRateHz: number) {
    this.send({ type: 'speak', audio, sampleRateHz });
  }
  hangup() {
    this.send({ type: 'hangup' });
  }
  close() {
    this.socket.close();
  }
}

export function testCallsUrl(): string {
  const { protocol, host } = window.location;
  return `${protocol === 'https:' ? 'wss:' : 'ws:'}//${host}/api/test-calls`;
}

/** The next Saturday at 23:30 (local time), as a datetime-local value. */
export function nextSaturdayLate(from: Date): string {
  const d = new Date(from);
  d.setDate(d.getDate() + ((6 - d.getDay() + 7) % 7 || 7));
  return `${localDate(d)}T23:30`;
}

/** Christmas Day 10:00 this year (next year once it has passed), a bank holiday in every UK nation. */
export function christmasMorning(from: Date): string {
  const year = from.getMonth() === 11 && from.getDate() > 25 ? from.getFullYear() + 1 : from.getFullYear();
  return `${year}-12-25T10:00`;
}

function localDate(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}
