/**
 * One caller's call, as the flow engine drives it. Implemented by the drachtio/FreeSWITCH adapter
 * (real SIP) and the simulator (designer test calls, flow tests, benchmarks).
 *
 * Expected results of talking to a caller — no input, busy, no answer — are returned as values.
 * Only infrastructure faults (media server gone, protocol errors) throw, as EngineError.
 * Every method that waits takes an AbortSignal: a caller hang-up aborts whatever is running.
 */

/** A prompt ready to play: recorded audio when the prompt library has it, else text to speak. */
export interface PromptSegment {
  /** BCP 47 language tag, e.g. "en-GB", "cy-GB". */
  language: string;
  /** Text to speak (TTS), already templated. Always present so transcripts and simulators can show it. */
  text: string;
  /** Recorded audio for this language, when the prompt library has it (a URL or media-server path). */
  audio?: string;
  /** Prompt library id, when the prompt came from the library. */
  promptId?: string;
}

export type PlayResult =
  | { kind: 'played' }
  /** The caller pressed a key during a barge-in-enabled prompt; the digits pressed so far. */
  | { kind: 'interrupted'; digits: string };

export interface PlayOptions {
  bargeIn: boolean;
  signal: AbortSignal;
}

export interface CollectDigitsOptions {
  /** Played first; may be empty. */
  prompt: PromptSegment[];
  bargeIn: boolean;
  minDigits: number;
  maxDigits: number;
  /** Keys that end entry early, e.g. "#". Not included in the digits returned. */
  terminators: string;
  /** How long to wait for the first key after the prompt ends. */
  firstDigitTimeoutMs: number;
  /** How long to wait between keys. */
  interDigitTimeoutMs: number;
  /**
   * Card data or other secrets: the adapter must not log, trace, record or forward these digits.
   * The runtime also redacts them from the call's event log.
   */
  sensitive?: boolean;
  signal: AbortSignal;
}

export type CollectDigitsResult =
  | { kind: 'digits'; digits: string; terminator?: string }
  /** Nothing pressed before the first-digit timeout. */
  | { kind: 'noInput' };

/** What the caller said, as the channel captured it. */
export type Utterance =
  /**
   * Simulated speech: typed in the designer's test-call box, or a scripted `say`. `confidence` (0–1)
   * is how sure a phone recogniser would have been of these words, so flows can be tested against
   * doubtful recognitions; the text recogniser's own confidence when left out.
   */
  | { kind: 'text'; text: string; confidence?: number }
  /** Real caller audio: 16-bit signed little-endian linear PCM, mono. */
  | { kind: 'audio'; sampleRateHz: number; audio: AsyncIterable<Uint8Array> };

export interface ListenOptions {
  prompt: PromptSegment[];
  bargeIn: boolean;
  language: string;
  /** Silence before any speech or key. */
  noInputTimeoutMs: number;
  /** Longest utterance captured. */
  maxSpeechMs: number;
  /** Accept keypresses as well as speech (DTMF fallback). */
  allowDigits: boolean;
  maxDigits: number;
  signal: AbortSignal;
}

export type ListenResult =
  | {
      kind: 'speech';
      /** Real audio is live: it may still be arriving while a recogniser reads it. */
      utterance: Utterance;
      /**
       * With digits allowed: keys the caller pressed while still speaking, which ended the utterance.
       * A key wins over words, so read this once the words have been recognised ('' when none).
       */
      keysPressed?(): string;
    }
  | { kind: 'digits'; digits: string }
  | { kind: 'noInput' };

/** Where a call can be sent. */
export type Destination =
  | { kind: 'sip'; uri: string }
  /** A public number through the outbound trunk, E.164. */
  | { kind: 'number'; e164: string }
  /** A Microsoft Teams user reached through Direct Routing, by their E.164 number. */
  | { kind: 'teams'; e164: string }
  /** A registered agent, reached on whatever device they registered. */
  | { kind: 'agent'; agentId: string };

export interface BridgeOptions {
  ringTimeoutMs: number;
  /** Presented to the far end; defaults to the caller's number. */
  callerId?: string;
  /** Stop DTMF crossing the bridge (payments). */
  filterDtmf?: boolean;
  /** Said to the far end only, after it answers and before the caller is connected (an agent hears the queue's name). */
  whisper?: PromptSegment[];
  /** Record the conversation from the moment the far end answers (paused and resumed with setRecordingPaused). */
  record?: boolean;
  /** Called once when the far end answers, before any whisper (the ACD marks the agent on a call). */
  onAnswer?(): void;
  /**
   * What the caller hears while the far end rings and hears the whisper: a music stream, media path or URL
   * (as HoldOptions.music) — a queued caller keeps the queue's music; absent: a ringing tone.
   */
  waitMusic?: string;
  signal: AbortSignal;
}

export type BridgeResult =
  /** The far end answered; resolves when that leg ends and the caller is still on the line. */
  | { kind: 'completed'; talkMs: number; recordingId?: string }
  /**
   * The far end (an agent) blind-transferred the caller from their phone (SIP REFER): `target` is the
   * Refer-To URI. The caller is still on this channel; the flow decides where they go (another queue,
   * a number). The far end has left.
   */
  | { kind: 'referred'; target: string; talkMs: number }
  | { kind: 'busy' }
  | { kind: 'noAnswer' }
  /** The far end could not be reached (bad number, not registered, trunk down). */
  | { kind: 'failed'; reason: string };

export type TransferResult =
  /** The caller has left this system (REFER accepted, or bridged and media path released). */
  | { kind: 'transferred' }
  | { kind: 'busy' }
  | { kind: 'noAnswer' }
  | { kind: 'failed'; reason: string };

export interface RecordOptions {
  prompt: PromptSegment[];
  beep: boolean;
  maxDurationMs: number;
  /** Stop after this much silence once the caller has spoken. */
  silenceTimeoutMs: number;
  /** Keys that end the recording. */
  terminators: string;
  signal: AbortSignal;
}

export type RecordResult =
  | { kind: 'recorded'; recordingId: string; durationMs: number }
  | { kind: 'noInput' };

export interface HandOffOptions {
  /** Digits sent to the far end once it answers, e.g. a Pay360 one-time session token. */
  digitsToSend: string;
  /** refer: caller leaves this system; bridge: caller comes back to the flow when the far end hangs up. */
  mode: 'refer' | 'bridge';
  ringTimeoutMs: number;
  signal: AbortSignal;
}

export type HandOffResult =
  | { kind: 'returned' }
  | { kind: 'transferred' }
  | { kind: 'failed'; reason: string };

export interface HoldOptions {
  /**
   * What to play: a media server music stream (`local_stream://moh`), a media path or a URL; absent: the
   * media server's default hold music.
   */
  music?: string;
  /** Stop when the caller presses one of these keys (e.g. "12": 1 for a callback, 2 to leave a message). */
  keys?: string;
  /**
   * Hear the caller while they wait (a queue that listens for safeguarding words): when they start
   * talking the hold ends with what they say, live, up to `maxSpeechMs`. A channel that cannot hear the
   * caller live (no audio stream from its media server) ignores it: the hold never ends with speech.
   */
  listen?: { maxSpeechMs: number };
  signal: AbortSignal;
}

export type HoldResult =
  /** `signal` aborted (an agent is ready, time for an announcement, the wait is over). */
  | { kind: 'stopped' }
  | { kind: 'key'; key: string }
  /** The caller spoke (only with `listen`): their words, streamed as they say them. */
  | { kind: 'speech'; utterance: Utterance };

/** What work done with the caller set aside (CallChannel.setAside) can see. */
export interface AsideWork {
  /** Aborts when the caller hangs up (or the asker's signal does). */
  readonly signal: AbortSignal;
  /** True once the bridged party has hung up: nobody is waiting to have the caller back. */
  readonly partyLeft: boolean;
}

export type SetAsideResult<T> =
  /** `work` ran with the caller out of the bridge; `partyLeft`: the bridged party hung up meanwhile (the bridge ends now). */
  | { kind: 'done'; value: T; partyLeft: boolean }
  /** The caller is not bridged to anyone now (not yet connected, or the bridge has ended). */
  | { kind: 'noBridge' };

export interface CallChannel {
  readonly callId: string;
  /** Caller's number as presented (E.164 where known, else as received). */
  readonly from: string;
  /** Dialled number (DID). */
  readonly to: string;
  /** True once the caller has hung up. */
  readonly hungUp: boolean;

  answer(): Promise<void>;
  play(prompt: PromptSegment[], options: PlayOptions): Promise<PlayResult>;
  collectDigits(options: CollectDigitsOptions): Promise<CollectDigitsResult>;
  listen(options: ListenOptions): Promise<ListenResult>;
  record(options: RecordOptions): Promise<RecordResult>;
  sendDigits(digits: string, signal: AbortSignal): Promise<void>;
  /** Hold music until `signal` aborts or the caller presses one of `keys`. Never throws for an abort. */
  hold(options: HoldOptions): Promise<HoldResult>;
  /** Pause or resume the call recording (if any). Payments pause it. */
  setRecordingPaused(paused: boolean): Promise<void>;
  /** Blind transfer: the caller leaves this system. */
  transfer(destination: Destination, options: BridgeOptions): Promise<TransferResult>;
  /** Connect the caller to another party and stay in the media path. */
  bridge(destination: Destination, options: BridgeOptions): Promise<BridgeResult>;
  /** Consult-call a destination, send it digits, then transfer or bridge the caller (payment hand-off). */
  handOff(destination: Destination, options: HandOffOptions): Promise<HandOffResult>;
  /**
   * Takes the caller out of the bridge in progress (an adviser's call) while `work` uses the caller's
   * channel — an adviser's "take payment" hands the caller off with it. The bridged party hears hold
   * music and nothing of the caller (no sound, no keys) until `work` ends; then the two are connected
   * again. If the party hangs up meanwhile, `work` still finishes with the caller and the bridge ends
   * after it (the flow never takes the caller back while `work` runs). One at a time: a second call while
   * one runs resolves 'noBridge'. Rejects with `work`'s error (the caller hanging up aborts `signal`).
   */
  setAside<T>(work: (aside: AsideWork) => Promise<T>, signal: AbortSignal): Promise<SetAsideResult<T>>;
  hangup(reason?: string): Promise<void>;
  /** Called once when the caller hangs up. Returns an unsubscribe function. */
  onHangup(listener: () => void): () => void;
}
