import type {
  BridgeOptions,
  BridgeResult,
  CallChannel,
  Clock,
  CollectDigitsOptions,
  CollectDigitsResult,
  Destination,
  HandOffOptions,
  HandOffResult,
  ListenOptions,
  ListenResult,
  PlayOptions,
  HoldOptions,
  HoldResult,
  PlayResult,
  PromptSegment,
  RecordOptions,
  RecordResult,
  SetAsideResult,
  AsideWork,
  TransferResult,
  Utterance,
} from '../../../ports/index.js';
import { formatDestination } from '../../../core/destination.js';
import { abortError } from '../../clock/system-clock.js';
import type { CallerAction, CallerInput } from './caller-action.js';
import type { FarEndLine, FarEnds } from './far-end.js';
import { ringFarEnd, type RingResult } from './ring-far-end.js';
import { defaultWorld, simulatedAgent, type World } from './world.js';
import type { DeskLegs } from '../../../ports/desk.js';
import { bridgeToDesk } from './desk-far-end.js';

export { RING_MS, TALK_MS } from './ring-far-end.js';

/** Simulated speech rate: milliseconds of prompt per character of text (about 150 words a minute). */
export const SPEECH_MS_PER_CHARACTER = 65;
/** A hand-off to a far end that does not talk back (no FarEnd): it takes keys until this much silence. */
export const HAND_OFF_KEY_TIMEOUT_MS = 10_000;

/** How long the caller hears a prompt. */
export const promptDurationMs = (segments: readonly PromptSegment[]): number =>
  segments.reduce((total, s) => total + Math.max(500, s.text.length * SPEECH_MS_PER_CHARACTER), 0);

export interface SimulatedCallOptions {
  callId: string;
  from: string;
  to: string;
  clock: Clock;
  /** A script of caller actions, or `live` for actions pushed at any time with press/say/callerHangup. */
  input: readonly CallerAction[] | 'live';
  world?: World;
  /** Rings real advisers' desks for agents the world does not simulate (a test call that rings the desk). */
  desk?: DeskLegs;
  /** Parties that talk back when the call is handed to them (the fake Pay360 payment line). */
  farEnds?: FarEnds;
}

/** Why an input wait's timer stops early: never thrown, so one shared value will do. */
const CALLER_OFFERED = Object.freeze({ reason: 'the caller offered something' });
const WAIT_ABORTED = Object.freeze({ reason: 'the wait was aborted' });

/** Stops an input wait's timer when the operation's signal aborts (an EventTarget listener object, no closure). */
class TimerStopper {
  constructor(private readonly timer: AbortController) {}

  handleEvent(): void {
    this.timer.abort(WAIT_ABORTED);
  }
}

interface Offered {
  input: CallerInput;
  consumed: (() => void) | undefined;
}

/**
 * An in-process call: a caller driven by a script (flow tests, benches) or pushed actions (designer
 * and terminal test calls), on any Clock. It records what the caller heard; the world decides how
 * destinations, and the simulated queue, payment and web services, answer.
 */
/** Hold waits in slices this long (simulated time), so an endless wait needs no endless timer. */
const HOLD_SLICE_MS = 60 * 60 * 1000;

interface BridgeInProgress {
  answered: boolean;
  partyLeft: boolean;
  aside: Promise<void> | undefined;
}

export class SimulatedCall implements CallChannel {
  readonly callId: string;
  readonly from: string;
  readonly to: string;
  readonly world: World;
  /** Every prompt segment played to the caller, in order. */
  readonly heard: PromptSegment[] = [];
  /** Who ended the call, once it has ended. */
  endedBy: 'caller' | 'system' | undefined;
  /** The reason the system gave when it hung up. */
  hangupReason: string | undefined;
  /** Where the caller was transferred to (they left the system), if they were. */
  transferredTo: string | undefined;
  answered = false;
  recordingPaused = false;
  /** What far ends heard whispered before the caller was connected (an agent hears the queue's name); the caller never hears it. */
  readonly whispers: PromptSegment[] = [];
  /** The music of each hold, in order (undefined: the media server's own). */
  readonly holds: (string | undefined)[] = [];

  private readonly clock: Clock;
  private readonly farEnds: FarEnds | undefined;
  private readonly live: boolean;
  private readonly desk: DeskLegs | undefined;
  private readonly offered: Offered[] = [];
  private inputWaiter: (() => void) | undefined;
  private awaitingAnswer = false;
  private scriptEnded = false;
  private readonly lifetime = new AbortController();
  private readonly hangupListeners = new Set<() => void>();
  /** Made when someone listens (live calls, the terminal); most simulated calls have no listener. */
  private promptListeners: Set<(segment: PromptSegment) => void> | undefined;
  private recordings = 0;
  /** The bridge in progress, if any: whether the far end has answered, and the work the caller is set aside for. */
  private bridged: BridgeInProgress | undefined;

  constructor(options: SimulatedCallOptions) {
    this.callId = options.callId;
    this.from = options.from;
    this.to = options.to;
    this.clock = options.clock;
    this.world = options.world ?? defaultWorld();
    this.desk = options.desk;
    this.farEnds = options.farEnds;
    this.live = options.input === 'live';
    if (options.input !== 'live') void this.drive(options.input);
  }

  get hungUp(): boolean {
    return this.endedBy !== undefined;
  }

  // ───────────── the caller's side ─────────────

  /** Live calls: the caller presses keys. */
  press(digits: string): void {
    if (!this.hungUp) this.offer({ press: digits }, undefined);
  }

  /** Live calls: the caller says something. */
  say(text: string): void {
    if (!this.hungUp) this.offer({ say: text }, undefined);
  }

  /** Live calls: the caller speaks (recorded audio, 16-bit mono PCM). */
  speak(audio: Uint8Array, sampleRateHz: number): void {
    if (!this.hungUp) this.offer({ audio, sampleRateHz }, undefined);
  }

  /** The caller hangs up (a scripted `hangup`, or the live caller putting the phone down). */
  callerHangup(): void {
    if (this.hungUp) return;
    this.endedBy = 'caller';
    for (const listener of [...this.hangupListeners]) listener();
    this.lifetime.abort();
  }

  /** Listen to every prompt segment as it starts playing. Returns an unsubscribe function. */
  onPrompt(listener: (segment: PromptSegment) => void): () => void {
    const listeners = (this.promptListeners ??= new Set());
    listeners.add(listener);
    return () => listeners.delete(listener);
  }

  private async drive(script: readonly CallerAction[]): Promise<void> {
    try {
      for (const action of script) {
        if (this.hungUp) return;
        if ('wait' in action) await this.clock.sleep(action.wait * 1000, this.lifetime.signal);
        else if ('hangup' in action) return this.callerHangup();
        else await new Promise<void>((consumed) => this.offer(action, consumed));
      }
      this.scriptEnded = true;
      if (this.awaitingAnswer) this.callerHangup();
    } catch {
      // the call ended while the caller was waiting
    }
  }

  private offer(input: CallerInput, consumed: (() => void) | undefined): void {
    this.offered.push({ input, consumed });
    const waiter = this.inputWaiter;
    this.inputWaiter = undefined;
    waiter?.();
  }

  private take(): CallerInput {
    const entry = this.offered.shift()!;
    entry.consumed?.();
    return entry.input;
  }

  /**
   * Wait up to `ms` for the caller to offer something. `answer`: the flow is waiting for the caller's
   * answer, so a script that has run out means the caller hangs up.
   */
  private waitForCaller(ms: number, signal: AbortSignal, answer: boolean): Promise<'offered' | 'timeout'> {
    if (this.offered.length > 0) return Promise.resolve('offered');
    if (answer && this.scriptEnded && !this.live) {
      this.callerHangup();
      return Promise.reject(abortError(signal));
    }
    // No named closures and no fresh DOMException per wait: a busy simulator makes millions of these.
    const timer = new AbortController();
    const stopTimer = new TimerStopper(timer);
    signal.addEventListener('abort', stopTimer, { once: true });
    this.awaitingAnswer = answer;
    return new Promise<'offered' | 'timeout'>((resolve, reject) => {
      this.inputWaiter = () => {
        this.endWait(signal, stopTimer);
        timer.abort(CALLER_OFFERED);
        resolve('offered');
      };
      this.clock.sleep(ms, timer.signal).then(
        () => {
          this.endWait(signal, stopTimer);
          resolve('timeout');
        },
        () => {
          if (!signal.aborted) return; // woken by an offer
          this.endWait(signal, stopTimer);
          reject(abortError(signal));
        },
      );
    });
  }

  private endWait(signal: AbortSignal, stopTimer: TimerStopper): void {
    this.inputWaiter = undefined;
    this.awaitingAnswer = false;
    signal.removeEventListener('abort', stopTimer);
  }

  // ───────────── the flow's side ─────────────

  private ensureConnected(signal: AbortSignal): void {
    if (this.hungUp) throw new DOMException(`call ${this.callId} has ended`, 'AbortError');
    if (signal.aborted) throw abortError(signal);
  }

  private announce(prompt: readonly PromptSegment[]): void {
    for (const segment of prompt) {
      this.heard.push(segment);
      if (this.promptListeners) for (const listener of this.promptListeners) listener(segment);
    }
  }

  /**
   * Play a prompt. With barge-in, a key (or, when `speechInterrupts`, words) offered before it ends stops
   * it early; what the caller offered stays for the question that follows.
   */
  private async playPrompt(prompt: readonly PromptSegment[], bargeIn: boolean, signal: AbortSignal, speechInterrupts = false): Promise<boolean> {
    if (prompt.length === 0) return false;
    this.announce(prompt);
    const endsAt = this.clock.now() + promptDurationMs(prompt);
    if (!bargeIn) {
      await this.clock.sleep(endsAt - this.clock.now(), signal);
      return false;
    }
    for (;;) {
      const head = this.offered[0]?.input;
      if (head && ('press' in head || (speechInterrupts && ('say' in head || 'audio' in head)))) return true;
      const remaining = endsAt - this.clock.now();
      if (remaining <= 0) return false;
      if (head) {
        await this.clock.sleep(remaining, signal);
        return false;
      }
      if ((await this.waitForCaller(remaining, signal, false)) === 'timeout') return false;
    }
  }

  async answer(): Promise<void> {
    this.answered = true;
  }

  /**
   * The caller waits (hold music is not a prompt, so it is not in `heard`); a key in `keys` ends it, and so
   * do words when the hold listens (`listen`, spoken for as long as they take); other input is dropped.
   */
  async hold(options: HoldOptions): Promise<HoldResult> {
    const { signal, keys = '', listen } = options;
    this.ensureConnected(signal);
    this.holds.push(options.music);
    try {
      for (;;) {
        if (this.offered.length === 0 && (await this.waitForCaller(HOLD_SLICE_MS, signal, false)) === 'timeout') continue;
        const input = this.take();
        if ('press' in input) {
          const key = [...input.press].find((k) => keys.includes(k));
          if (key) return { kind: 'key', key };
        } else if (listen && ('say' in input || 'audio' in input)) {
          return { kind: 'speech', utterance: await this.spoken(input, listen.maxSpeechMs, signal) };
        }
      }
    } catch (error) {
      if (signal.aborted || this.hungUp) return { kind: 'stopped' };
      throw error;
    }
  }

  async play(prompt: PromptSegment[], options: PlayOptions): Promise<PlayResult> {
    this.ensureConnected(options.signal);
    const interrupted = await this.playPrompt(prompt, options.bargeIn, options.signal);
    const head = this.offered[0]?.input;
    return interrupted && head && 'press' in head ? { kind: 'interrupted', digits: head.press } : { kind: 'played' };
  }

  async collectDigits(options: CollectDigitsOptions): Promise<CollectDigitsResult> {
    this.ensureConnected(options.signal);
    await this.playPrompt(options.prompt, options.bargeIn, options.signal);
    if ((await this.waitForCaller(options.firstDigitTimeoutMs, options.signal, true)) === 'timeout') return { kind: 'noInput' };
    const input = this.take();
    if (!('press' in input)) {
      // Silence, or words a keypad collector cannot hear: the caller is asked again after the timeout.
      await this.clock.sleep(options.firstDigitTimeoutMs, options.signal);
      return { kind: 'noInput' };
    }
    let digits = '';
    let terminator: string | undefined;
    let keys = input.press;
    for (;;) {
      let used = 0;
      for (const key of keys) {
        used++;
        if (options.terminators.includes(key)) {
          terminator = key;
          break;
        }
        digits += key;
        if (digits.length >= options.maxDigits) break;
      }
      if (used < keys.length) this.offered.unshift({ input: { press: keys.slice(used) }, consumed: undefined });
      if (terminator !== undefined || digits.length >= options.maxDigits) break;
      if (!this.live) {
        // A script's press is the whole entry: the collector waits out the inter-digit time, as on a phone.
        await this.clock.sleep(options.interDigitTimeoutMs, options.signal);
        break;
      }
      // A person on the designer's keypad presses one key at a time: the next one within the inter-digit time joins the entry.
      if ((await this.waitForCaller(options.interDigitTimeoutMs, options.signal, false)) === 'timeout') break;
      const next = this.offered[0]!.input;
      if (!('press' in next)) break;
      keys = (this.take() as { press: string }).press;
    }
    return terminator === undefined ? { kind: 'digits', digits } : { kind: 'digits', digits, terminator };
  }

  async listen(options: ListenOptions): Promise<ListenResult> {
    this.ensureConnected(options.signal);
    await this.playPrompt(options.prompt, options.bargeIn, options.signal, true);
    if ((await this.waitForCaller(options.noInputTimeoutMs, options.signal, true)) === 'timeout') return { kind: 'noInput' };
    const input = this.take();
    if ('say' in input || 'audio' in input) return { kind: 'speech', utterance: await this.spoken(input, options.maxSpeechMs, options.signal) };
    if ('press' in input && options.allowDigits) return { kind: 'digits', digits: input.press.slice(0, options.maxDigits) };
    await this.clock.sleep(options.noInputTimeoutMs, options.signal);
    return { kind: 'noInput' };
  }

  /** The caller's words, once they have said them (for as long as they take, up to `maxSpeechMs`). */
  private async spoken(input: Exclude<CallerInput, { press: string } | { silence: true }>, maxSpeechMs: number, signal: AbortSignal): Promise<Utterance> {
    if ('say' in input) {
      await this.clock.sleep(Math.min(maxSpeechMs, input.say.length * SPEECH_MS_PER_CHARACTER), signal);
      return input.confidence === undefined ? { kind: 'text', text: input.say } : { kind: 'text', text: input.say, confidence: input.confidence };
    }
    const { audio, sampleRateHz } = input;
    await this.clock.sleep(Math.min(maxSpeechMs, (audio.byteLength / 2 / sampleRateHz) * 1000), signal);
    return { kind: 'audio', sampleRateHz, audio: frames(audio, sampleRateHz) };
  }

  async record(options: RecordOptions): Promise<RecordResult> {
    this.ensureConnected(options.signal);
    await this.playPrompt(options.prompt, false, options.signal);
    if (options.beep) this.announce([{ language: options.prompt[0]?.language ?? 'en-GB', text: '(beep)' }]);
    if ((await this.waitForCaller(options.silenceTimeoutMs, options.signal, true)) === 'timeout') return { kind: 'noInput' };
    const input = this.take();
    if (!('say' in input) && !('audio' in input)) return { kind: 'noInput' };
    const spokenMs = 'say' in input ? input.say.length * SPEECH_MS_PER_CHARACTER : (input.audio.byteLength / 2 / input.sampleRateHz) * 1000;
    const durationMs = Math.min(options.maxDurationMs, spokenMs);
    await this.clock.sleep(durationMs, options.signal);
    return { kind: 'recorded', recordingId: `${this.callId}-recording-${++this.recordings}`, durationMs };
  }

  async sendDigits(digits: string, signal: AbortSignal): Promise<void> {
    this.ensureConnected(signal);
    await this.clock.sleep(digits.length * 100, signal);
  }

  async setRecordingPaused(paused: boolean): Promise<void> {
    this.recordingPaused = paused;
  }

  /** How the world answers a destination: after ringing, or busy, or never. */
  private ring(destination: Destination, options: { ringTimeoutMs: number; signal: AbortSignal }): Promise<RingResult> {
    this.ensureConnected(options.signal);
    return ringFarEnd(this.world, this.clock, destination, options);
  }

  async transfer(destination: Destination, options: BridgeOptions): Promise<TransferResult> {
    const rang = await this.ring(destination, options);
    if (rang.kind !== 'answered') return rang;
    this.transferredTo = formatDestination(destination);
    this.endedBy = 'system';
    this.hangupReason = 'transferred';
    this.lifetime.abort();
    return { kind: 'transferred' };
  }

  /**
   * Like a real bridge: the far end rings (as the world says), is told of (onAnswer), hears the whisper
   * (the caller does not), talks — recorded when asked — and hangs up, or transfers the caller from its
   * phone (the world's `referTo`), which hands the caller back to the flow.
   */
  async bridge(destination: Destination, options: BridgeOptions): Promise<BridgeResult> {
    const bridge: BridgeInProgress = { answered: false, partyLeft: false, aside: undefined };
    const onAnswer = options.onAnswer;
    this.bridged = bridge;
    try {
      const result = await this.bridgeTo(destination, {
        ...options,
        onAnswer: () => {
          bridge.answered = true;
          onAnswer?.();
        },
      });
      // The far end has left; a caller set aside (keying a card) finishes first, then the flow has them back.
      bridge.partyLeft = true;
      await bridge.aside;
      return result;
    } finally {
      if (this.bridged === bridge) this.bridged = undefined;
    }
  }

  private async bridgeTo(destination: Destination, options: BridgeOptions): Promise<BridgeResult> {
    if (destination.kind === 'agent' && this.desk && !simulatedAgent(this.world, destination.agentId)) {
      this.ensureConnected(options.signal);
      return bridgeToDesk(this.desk, this.clock, { callId: this.callId, agentId: destination.agentId }, options, (prompt) => this.announce(prompt));
    }
    const rang = await this.ring(destination, options);
    if (rang.kind !== 'answered') return rang;
    options.onAnswer?.();
    if (options.whisper?.length) {
      this.whispers.push(...options.whisper);
      await this.clock.sleep(promptDurationMs(options.whisper), options.signal);
    }
    this.announce([{ language: 'en-GB', text: `(connected to ${formatDestination(destination)})` }]);
    const recordingId = options.record ? `${this.callId}-bridge-${++this.recordings}` : undefined;
    await this.clock.sleep(rang.talkMs, options.signal);
    if (rang.referTo) return { kind: 'referred', target: rang.referTo, talkMs: rang.talkMs };
    return { kind: 'completed', talkMs: rang.talkMs, ...(recordingId ? { recordingId } : {}) };
  }

  /**
   * The caller leaves the bridge for `work` (an adviser's "take payment"): the far end hears hold music
   * and nothing of the caller — in the simulator no sound crosses a bridge anyway; the caller's keys go
   * to whatever `work` hands them to. The caller hears a note when they are back with the far end.
   */
  async setAside<T>(work: (aside: AsideWork) => Promise<T>, signal: AbortSignal): Promise<SetAsideResult<T>> {
    const bridge = this.bridged;
    if (!bridge || !bridge.answered || bridge.partyLeft || bridge.aside || this.hungUp) return { kind: 'noBridge' };
    const op = AbortSignal.any([signal, this.lifetime.signal]);
    const running = work({
      signal: op,
      get partyLeft() {
        return bridge.partyLeft;
      },
    });
    bridge.aside = running.then(
      () => undefined,
      () => undefined,
    );
    try {
      const value = await running;
      if (!bridge.partyLeft && !this.hungUp) this.announce([{ language: 'en-GB', text: '(back with the adviser)' }]);
      return { kind: 'done', value, partyLeft: bridge.partyLeft };
    } finally {
      bridge.aside = undefined;
    }
  }

  /**
   * Consult-call the far end (a card payment service), send it the token, then leave the caller with it:
   * a far end that talks back (the fake Pay360 payment line) hears the token and then the caller's keys,
   * which go to it alone — never to the event log or anywhere else — and says its prompts to the caller
   * until it hangs up. Then the caller is transferred for good or taken back into the flow.
   */
  async handOff(destination: Destination, options: HandOffOptions): Promise<HandOffResult> {
    const rang = await this.ring(destination, options);
    if (rang.kind !== 'answered') return { kind: 'failed', reason: `${formatDestination(destination)}: ${rang.kind} (simulated)` };
    await this.sendDigits(options.digitsToSend, options.signal);
    const farEnd = this.farEnds?.(destination);
    if (farEnd) await farEnd.converse(this.lineTo(options.digitsToSend), options.signal);
    else {
      for (;;) {
        if ((await this.waitForCaller(HAND_OFF_KEY_TIMEOUT_MS, options.signal, false)) === 'timeout') break;
        if (!('press' in this.offered[0]!.input)) break;
        const keys = this.take() as { press: string };
        await this.clock.sleep(keys.press.length * 300, options.signal);
      }
    }
    if (options.mode === 'bridge') return { kind: 'returned' };
    this.transferredTo = formatDestination(destination);
    this.endedBy = 'system';
    this.hangupReason = 'transferred';
    this.lifetime.abort();
    return { kind: 'transferred' };
  }

  /** The far end's side of a hand-off: what it says is heard; it reads the sent digits, then the caller's keys. */
  private lineTo(sent: string): FarEndLine {
    let pending = sent;
    return {
      say: async (text, signal) => {
        this.ensureConnected(signal);
        await this.playPrompt([{ language: 'en-GB', text }], false, signal);
      },
      nextKey: async (timeoutMs, signal) => {
        while (pending === '') {
          if ((await this.waitForCaller(timeoutMs, signal, false)) === 'timeout') return undefined;
          const input = this.take();
          if ('press' in input) pending = input.press; // a payment line does not listen to words
        }
        const key = pending[0]!;
        pending = pending.slice(1);
        return key;
      },
    };
  }

  async hangup(reason?: string): Promise<void> {
    if (this.hungUp) return;
    this.endedBy = 'system';
    this.hangupReason = reason;
    this.lifetime.abort();
  }

  onHangup(listener: () => void): () => void {
    this.hangupListeners.add(listener);
    return () => this.hangupListeners.delete(listener);
  }
}

/** Recorded audio handed to a recogniser in 20 ms frames, as a phone call streams it. */
async function* frames(audio: Uint8Array, sampleRateHz: number): AsyncIterable<Uint8Array> {
  const frameBytes = (sampleRateHz / 50) * 2;
  for (let at = 0; at < audio.byteLength; at += frameBytes) yield audio.subarray(at, at + frameBytes);
}
