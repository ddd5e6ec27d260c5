import { basename } from 'node:path';
import type {
  BridgeOptions,
  BridgeResult,
  CallChannel,
  CollectDigitsOptions,
  CollectDigitsResult,
  Destination,
  HandOffOptions,
  HandOffResult,
  HoldOptions,
  HoldResult,
  ListenOptions,
  ListenResult,
  PlayOptions,
  PlayResult,
  PromptSegment,
  RecordOptions,
  RecordResult,
  SetAsideResult,
  AsideWork,
  TransferResult,
} from '../../../ports/call-channel.js';
import type { Clock } from '../../../ports/clock.js';
import { stayBridged, type BridgeEnd, type Referrals } from './bridged-party.js';
import type { AudioForkServer } from './audio-fork-server.js';
import { CallerMedia, mediaFile } from './caller-media.js';
import { CallerSpeech, type CallerSpeechSettings } from './caller-speech.js';
import { BUSY, dialDestination, hangUpLeg, NO_ANSWER, type AnsweredLeg, type DialOutcome, type DialRequest } from './dialler.js';
import { handOff, type HandOffHost } from './hand-off.js';
import type { CallListening } from './listen-in.js';
import { listenLive, type ListenHost } from './listening.js';
import { MediaLeg, TelephonyError } from './media-leg.js';
import type { TelephonyLogger } from './media-pool.js';
import type { RouteResult } from './outbound-routing.js';
import { referAndWait } from './refer.js';
import type { SipAgent, SipDialog, SipRequest, SipResponse } from './sip.js';
import { hasSpeech, wavToL16Frames } from './wav.js';

/**
 * Why a call's operations stop, made once: a DOMException records a stack as it is made (≈ 0.5 ms of the
 * engine's CPU a call in a profile at 20 calls/s, for the two or three each call made), and these are
 * reasons to stop, never faults to trace.
 */
const CALL_ENDED = new DOMException('call ended', 'AbortError');
const CALLER_HUNG_UP = new DOMException('caller hung up', 'AbortError');
const FAR_END_HUNG_UP = new DOMException('the far end hung up', 'AbortError');

export { referTarget } from './bridged-party.js';

/**
 * How the call came to be: a caller's INVITE not yet answered, or a call the engine placed itself
 * that the far end has answered (OutboundCalls).
 */
export type CallSignalling = { kind: 'inbound'; request: SipRequest; response: SipResponse } | { kind: 'placed'; dialog: SipDialog };

/** What a DrachtioCall needs from the rest of the adapter. */
export interface DrachtioCallDeps {
  callId: string;
  from: string;
  to: string;
  signalling: CallSignalling;
  /** A FreeSWITCH channel already facing the caller's SDP. */
  media: MediaLeg;
  sip: SipAgent;
  /** More FreeSWITCH channels: outbound legs, and re-anchoring when a media server dies mid-call. */
  createLeg(options: { remoteSdp?: string; srtp?: boolean; avoid?: string }): Promise<MediaLeg>;
  route(destination: Destination, callerId: string): Promise<RouteResult>;
  clock: Clock;
  logger: TelephonyLogger;
  /** Reads a recording FreeSWITCH wrote (same path on a shared volume). */
  readRecording(path: string): Promise<Uint8Array>;
  settings: { ttsVoice: string; recordingsDir: string; recordCalls: boolean };
  /** Told once, when the call is answered. */
  onAnswered?(): void;
  /**
   * Audio (a URL the media server can fetch) for text in a language mod_flite cannot speak, e.g. Welsh;
   * undefined to let flite read it.
   */
  speechFor?(text: string, language: string): string | undefined;
  /** Supervisors listening in: told of each bridge to an adviser and of payments (listen-in.ts). */
  listening?: CallListening;
  /** Live caller audio for listening (mod_audio_fork); without it, answers are recorded after the prompt. */
  callerSpeech?: {
    forks: AudioForkServer;
    settings: CallerSpeechSettings;
    /** A media server could not stream a caller's audio (told each time; the adapter decides what to log). */
    unavailable(mediaServer: string, reason: string): void;
  };
}

/** The media server's default hold music (docker/freeswitch/conf/autoload_configs/local_stream.conf.xml). */
const DEFAULT_HOLD_MUSIC = 'local_stream://moh';
/** Endless silence: what a caller on hold hears when the music cannot be played. */
const SILENCE = 'silence_stream://-1';
/** The UK ringing tone (400+450 Hz, 0.4 s on, 0.2 s off, 0.4 s on, 2 s off), over and over. */
const RINGING = 'tone_stream://%(400,200,400,450);%(400,2000,400,450);loops=-1';

/** Energy above which a 20 ms frame counts as speech (16-bit samples, RMS). */
const SPEECH_RMS = 500;
const UTTERANCE_SAMPLE_RATE = 16_000;

/** A bridge in progress (connect): the party's leg, and the work the caller is set aside for. */
interface BridgeInProgress {
  party: AnsweredLeg;
  partyLeft: boolean;
  aside: Promise<void> | undefined;
}

/**
 * One caller's call over real SIP: signalling through drachtio-srf, media on a FreeSWITCH channel
 * (drachtio-fsmrf, see CallerMedia). A caller hang-up at any moment aborts what runs and releases the
 * FreeSWITCH channels. The same class serves a call the engine placed (the "caller" is then whoever
 * answered it).
 */
export class DrachtioCall implements CallChannel {
  readonly callId: string;
  readonly from: string;
  readonly to: string;

  private readonly media: CallerMedia;
  private dialog: SipDialog | undefined;
  private answering: Promise<void> | undefined;
  private callerGone = false;
  /** The caller was handed to another party and no longer belongs to the flow. */
  private handedOff = false;
  private readonly ended = new AbortController();
  private readonly hangupListeners = new Set<() => void>();
  /** The caller's bridge to another party (an adviser), while it lasts. */
  private bridged: BridgeInProgress | undefined;
  /** The listening turn streaming the caller's audio now (or last). */
  private speech: CallerSpeech | undefined;

  constructor(private readonly deps: DrachtioCallDeps) {
    this.callId = deps.callId;
    this.from = deps.from;
    this.to = deps.to;
    this.media = new CallerMedia(deps.media, {
      callId: deps.callId,
      createLeg: deps.createLeg,
      dialog: () => this.dialog,
      clock: deps.clock,
      logger: deps.logger,
      settings: deps.settings,
      ...(deps.speechFor ? { speechFor: deps.speechFor } : {}),
      callerGone: () => this.callerGone,
    });
    if (deps.signalling.kind === 'inbound') {
      deps.signalling.request.on('cancel', () => this.callerHungUp('CANCEL before answer'));
    } else {
      this.dialog = deps.signalling.dialog;
      this.dialog.on('destroy', () => this.callerHungUp('BYE'));
    }
  }

  get hungUp(): boolean {
    return this.callerGone;
  }

  onHangup(listener: () => void): () => void {
    if (this.callerGone) {
      queueMicrotask(listener);
      return () => undefined;
    }
    this.hangupListeners.add(listener);
    return () => this.hangupListeners.delete(listener);
  }

  answer(): Promise<void> {
    this.answering ??= this.answerNow();
    return this.answering;
  }

  private async answerNow(): Promise<void> {
    if (this.callerGone) throw new TelephonyError('signallingFailed', 'the caller hung up before the call was answered');
    const { signalling } = this.deps;
    if (signalling.kind === 'inbound') {
      const dialog = await this.deps.sip.createUAS(signalling.request, signalling.response, { localSdp: this.media.channel.localSdp }).catch((error: unknown) => {
        throw new TelephonyError('signallingFailed', `answering the call failed: ${(error as Error).message}`);
      });
      this.dialog = dialog;
      dialog.on('destroy', () => this.callerHungUp('BYE'));
      this.deps.onAnswered?.();
    }
    await this.media.prepare();
    if (this.deps.settings.recordCalls) await this.media.startRecording(this.media.newFile('call', false));
  }

  // ---- media -----------------------------------------------------------------------------------

  async play(prompt: PromptSegment[], options: PlayOptions): Promise<PlayResult> {
    const signal = this.opSignal(options.signal);
    await this.ready(signal);
    const { interrupted } = await this.media.playPrompt(prompt, options.bargeIn, signal);
    if (!interrupted) return { kind: 'played' };
    let digits = '';
    for (let key = this.media.takeKey(); key !== undefined; key = this.media.takeKey()) digits += key;
    return { kind: 'interrupted', digits };
  }

  async collectDigits(options: CollectDigitsOptions): Promise<CollectDigitsResult> {
    const signal = this.opSignal(options.signal);
    await this.ready(signal);
    await this.media.playPrompt(options.prompt, options.bargeIn, signal);
    let digits = '';
    for (;;) {
      const timeout = digits ? options.interDigitTimeoutMs : options.firstDigitTimeoutMs;
      const digit = await this.media.nextDigit(timeout, signal);
      if (digit === undefined) return digits ? { kind: 'digits', digits } : { kind: 'noInput' };
      if (options.terminators.includes(digit)) return { kind: 'digits', digits, terminator: digit };
      digits += digit;
      if (digits.length >= options.maxDigits) return { kind: 'digits', digits };
    }
  }

  /**
   * Listens for an answer, hearing the caller live while the prompt plays (listening.ts); where the
   * media server cannot stream their audio, the answer is recorded after the prompt instead.
   */
  async listen(options: ListenOptions): Promise<ListenResult> {
    const signal = this.opSignal(options.signal);
    await this.ready(signal);
    const speech = await this.openCallerSpeech();
    if (!speech) return this.listenByRecording(options, signal);
    return listenLive(this.listenHost(), speech, options, signal);
  }

  /** Starts streaming the caller's audio for one listening turn; undefined when this media server cannot. */
  private async openCallerSpeech(): Promise<CallerSpeech | undefined> {
    const streaming = this.deps.callerSpeech;
    if (!streaming) return undefined;
    await this.speech?.stop(); // one fork per channel at a time
    const media = await this.media.current();
    try {
      this.speech = await CallerSpeech.open(media, streaming.forks, this.callId, streaming.settings);
    } catch (error) {
      streaming.unavailable(media.mediaServerName, (error as Error).message);
      return undefined;
    }
    void this.speech.failed.then((reason) => streaming.unavailable(media.mediaServerName, reason));
    return this.speech;
  }

  /** Listening without a live stream: the caller recorded after the prompt, end-pointed on a second of silence. */
  private async listenByRecording(options: ListenOptions, signal: AbortSignal): Promise<ListenResult> {
    // With digits allowed, a key ends the prompt (and the digits are collected below).
    await this.media.playPrompt(options.prompt, options.bargeIn && options.allowDigits, signal);
    const startedAt = this.deps.clock.now();
    do {
      if (options.allowDigits && this.media.keysWaiting) return this.collectMore(options.maxDigits, signal);
      const path = this.media.newFile('utterance');
      const media = await this.media.current();
      await media.setVariables({ record_sample_rate: String(UTTERANCE_SAMPLE_RATE), playback_terminators: 'none' });
      // Recorded with end-pointing on one second of silence, then streamed to the recogniser.
      const outcome = await this.media.interruptible(
        media,
        media.record(path, { maxSeconds: options.maxSpeechMs / 1000, silenceThreshold: 200, silenceSeconds: 1 }),
        options.allowDigits,
        signal,
      );
      if (outcome.interrupted) return this.collectMore(options.maxDigits, signal);
      const wav = await this.deps.readRecording(path).catch(() => undefined);
      if (wav && hasSpeech(wav, SPEECH_RMS)) {
        return { kind: 'speech', utterance: { kind: 'audio', sampleRateHz: UTTERANCE_SAMPLE_RATE, audio: wavToL16Frames(wav) } };
      }
      if (outcome.result.durationMs <= 0) break; // nothing was recorded at all: don't spin
    } while (this.deps.clock.now() - startedAt < options.noInputTimeoutMs);
    return { kind: 'noInput' };
  }

  async record(options: RecordOptions): Promise<RecordResult> {
    const signal = this.opSignal(options.signal);
    await this.ready(signal);
    await this.media.playPrompt(options.prompt, false, signal);
    const media = await this.media.current();
    if (options.beep) await this.media.interruptible(media, media.play('tone_stream://%(400,0,1000)'), false, signal);
    this.media.clearKeys();
    const path = this.media.newFile('voicemail');
    await media.setVariables({ playback_terminators: options.terminators || 'none' });
    const outcome = await this.media.interruptible(
      media,
      media.record(path, { maxSeconds: options.maxDurationMs / 1000, silenceThreshold: 200, silenceSeconds: options.silenceTimeoutMs / 1000 }),
      false,
      signal,
    );
    await media.setVariables({ playback_terminators: 'none' });
    this.media.clearKeys();
    const durationMs = outcome.result.durationMs;
    return durationMs >= 1000 ? { kind: 'recorded', recordingId: basename(path), durationMs } : { kind: 'noInput' };
  }

  async sendDigits(digits: string, signal: AbortSignal): Promise<void> {
    const op = this.opSignal(signal);
    await this.ready(op);
    await (await this.media.current()).sendDigits(digits);
  }

  /** Payments pause the recordings first (and resume them after): that is also when nobody may listen in. */
  async setRecordingPaused(paused: boolean): Promise<void> {
    this.deps.listening?.payment(this.callId, paused);
    if (this.callerGone) return;
    await this.media.setRecordingPaused(paused);
  }

  /**
   * Hold music until `signal` aborts or the caller presses one of `keys` (other keys are dropped). A
   * music file that ends starts again; one that cannot be played leaves the caller in silence, not in a
   * loop of failed plays.
   */
  async hold(options: HoldOptions): Promise<HoldResult> {
    const { signal, keys = '', listen } = options;
    let file = options.music ? mediaFile(options.music) : DEFAULT_HOLD_MUSIC;
    // Listening (a queue that hears its callers): their audio streamed for the whole hold; talking ends it.
    const speech = listen ? await this.openCallerSpeech() : undefined;
    speech?.arm();
    let talked = false;
    void speech?.started.then(() => (talked = true));
    let handedOver = false;
    const spoken = (caller: CallerSpeech): HoldResult => {
      handedOver = true;
      // The hold's signal ends with the hold: the utterance lasts until they stop talking, the limit or a hang-up.
      caller.limit(this.deps.clock, listen!.maxSpeechMs, this.ended.signal);
      return { kind: 'speech', utterance: { kind: 'audio', sampleRateHz: caller.sampleRateHz, audio: caller.utterance() } };
    };
    try {
      for (;;) {
        for (let key = this.media.takeKey(); key !== undefined; key = this.media.takeKey()) {
          if (keys.includes(key)) return { kind: 'key', key };
        }
        if (speech && talked) return spoken(speech);
        const media = await this.media.current();
        const outcome = await this.media.interruptible(media, media.play(file), keys.length > 0, signal, speech?.started);
        if (speech && talked) return spoken(speech);
        if (!outcome.result.found && file !== SILENCE) {
          this.deps.logger.error(`call ${this.callId}: hold music ${file} could not be played; the caller waits in silence`);
          file = SILENCE;
        }
      }
    } catch (error) {
      if (signal.aborted) return { kind: 'stopped' };
      throw error;
    } finally {
      if (!handedOver) await speech?.stop();
    }
  }

  // ---- other parties ---------------------------------------------------------------------------

  /**
   * Ring the far end while the caller hears a ringing tone (or `waitMusic`); once it answers: tell
   * `onAnswer`, whisper to the far end alone, start recording (when asked), connect the two and stay
   * in the media path until one leaves — or the far end's phone transfers the caller (REFER).
   */
  async bridge(destination: Destination, options: BridgeOptions): Promise<BridgeResult> {
    const signal = this.opSignal(options.signal);
    await this.ready(signal);
    const stopWaiting = this.media.playWhileWaiting(options.waitMusic ? mediaFile(options.waitMusic) : RINGING);
    let dialled: AnsweredLeg;
    try {
      const outcome = await this.dial(destination, options, signal);
      if (outcome.kind !== 'answered') return outcome;
      dialled = outcome;
      this.tell('onAnswer', options.onAnswer);
      if (options.whisper?.length) {
        const problem = await this.whisper(dialled, options.whisper, signal);
        if (problem) return { kind: 'failed', reason: problem };
      }
    } finally {
      await stopWaiting();
    }
    const recording = options.record ? await this.startBridgeRecording() : undefined;
    try {
      const end = await this.connect(dialled, options.filterDtmf ?? false, signal, 'return', destination.kind === 'agent' ? destination.agentId : undefined);
      if (end.kind === 'referred') return end;
      return { kind: 'completed', talkMs: end.talkMs, ...(recording ? { recordingId: basename(recording) } : {}) };
    } finally {
      if (recording) await this.media.stopRecording(recording);
    }
  }

  async transfer(destination: Destination, options: BridgeOptions): Promise<TransferResult> {
    const signal = this.opSignal(options.signal);
    await this.ready(signal);
    if (destination.kind === 'sip' || destination.kind === 'number') {
      const referred = await this.refer(destination, options, signal);
      if (referred) return referred;
    }
    // Agents sit behind this system and Teams needs SRTP through the media server: stay as the
    // B2BUA, bridged, and let the flow finish.
    const dialled = await this.dial(destination, options, signal);
    if (dialled.kind !== 'answered') return dialled;
    this.detach(dialled, options.filterDtmf ?? false);
    return { kind: 'transferred' };
  }

  /** The payment hand-off: the caller's media goes straight to the payment line, never through FreeSWITCH (hand-off.ts). */
  async handOff(destination: Destination, options: HandOffOptions): Promise<HandOffResult> {
    const signal = this.opSignal(options.signal);
    await this.ready(signal);
    // Whoever listens in stops now, whatever the flow said before (the payment node pauses recordings first).
    this.deps.listening?.payment(this.callId, true);
    try {
      return await handOff(this.handOffHost(), destination, options, signal);
    } finally {
      this.deps.listening?.payment(this.callId, false);
    }
  }

  async hangup(reason = 'completed'): Promise<void> {
    if (this.handedOff || this.callerGone) return;
    this.callerGone = true; // no more operations on this call
    this.ended.abort(CALL_ENDED);
    void this.speech?.stop();
    const { signalling } = this.deps;
    if (this.dialog) {
      await Promise.resolve(this.dialog.destroy({ headers: { Reason: `SIP;cause=200;text="${reason.replace(/[^A-Za-z0-9 _.-]/g, '')}"` } })).catch(() => undefined);
    } else if (signalling.kind === 'inbound' && !signalling.response.finalResponseSent) {
      signalling.response.send(480);
    }
    await this.media.release();
  }

  // ---- internals -------------------------------------------------------------------------------

  private callerHungUp(why: string): void {
    if (this.callerGone) return;
    this.callerGone = true;
    this.deps.logger.info(`call ${this.callId}: caller hung up (${why})`);
    this.ended.abort(CALLER_HUNG_UP);
    void this.speech?.stop();
    void this.media.release();
    for (const listener of [...this.hangupListeners]) listener();
    this.hangupListeners.clear();
  }

  private opSignal(signal: AbortSignal): AbortSignal {
    return AbortSignal.any([signal, this.ended.signal]);
  }

  private async ready(signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    try {
      await this.answer();
    } catch (error) {
      // A CANCEL racing the 200 OK fails the answer: that is the caller hanging up, not a fault.
      signal.throwIfAborted();
      throw error;
    }
    signal.throwIfAborted();
  }

  /** Calls a flow's callback, never letting its fault break the call. */
  private tell(what: string, callback: (() => void) | undefined): void {
    try {
      callback?.();
    } catch (error) {
      this.deps.logger.error(`call ${this.callId}: ${what} failed`, error);
    }
  }

  private async collectMore(maxDigits: number, signal: AbortSignal): Promise<ListenResult> {
    let digits = '';
    while (digits.length < maxDigits) {
      const digit = await this.media.nextDigit(digits ? 3000 : 0, signal);
      if (digit === undefined || digit === '#') break;
      digits += digit;
    }
    return digits ? { kind: 'digits', digits } : { kind: 'noInput' };
  }

  private dial(destination: Destination, options: Pick<BridgeOptions, 'ringTimeoutMs' | 'callerId'>, signal: AbortSignal): Promise<DialOutcome> {
    const request: DialRequest = { ringTimeoutMs: options.ringTimeoutMs, callerId: options.callerId ?? this.from };
    return dialDestination(this.deps, destination, request, signal);
  }

  /**
   * Says `prompt` to the answered far end only (the caller does not hear it). Returns why the far end
   * cannot be connected (it hung up, its channel failed), or undefined once it has heard it all. A
   * caller hanging up meanwhile rejects with the abort; the far end's leg is then hung up.
   */
  private async whisper(dialled: AnsweredLeg, prompt: PromptSegment[], signal: AbortSignal): Promise<string | undefined> {
    const farEndLeft = new AbortController();
    const left = () => farEndLeft.abort(FAR_END_HUNG_UP);
    dialled.dialog.once('destroy', left);
    const offGone = dialled.leg.onGone(left);
    try {
      await dialled.leg.setVariables({ tts_engine: 'flite', tts_voice: this.deps.settings.ttsVoice, playback_terminators: 'none' });
      await this.media.playPrompt(prompt, false, AbortSignal.any([signal, farEndLeft.signal]), dialled.leg);
      return undefined;
    } catch (error) {
      await hangUpLeg(dialled);
      if (signal.aborted) throw signal.reason;
      if (farEndLeft.signal.aborted) return 'the far end hung up during the whisper';
      return `the whisper could not be played to the far end: ${(error as Error).message}`;
    } finally {
      dialled.dialog.removeListener('destroy', left);
      offGone();
    }
  }

  /** A recording of the bridged conversation from now; undefined (logged) when FreeSWITCH refuses: the conversation matters more. */
  private async startBridgeRecording(): Promise<string | undefined> {
    const path = this.media.newFile('bridge');
    try {
      await this.media.startRecording(path);
      return path;
    } catch (error) {
      this.deps.logger.error(`call ${this.callId}: the conversation could not be recorded`, error);
      return undefined;
    }
  }

  /**
   * Bridge the caller to an answered leg and wait until either side hangs up (or the far end transfers).
   * A supervisor may listen in meanwhile when the leg is an adviser's (`agentId`). A caller set aside
   * meanwhile (setAside: paying by card) finishes first, whenever the party leaves.
   */
  private async connect(dialled: AnsweredLeg, filterDtmf: boolean, signal: AbortSignal, referrals: Referrals, agentId?: string): Promise<BridgeEnd> {
    const media = await this.media.current();
    const bridge: BridgeInProgress = { party: dialled, partyLeft: false, aside: undefined };
    let unlisten: (() => void) | undefined;
    try {
      await this.joinCaller(media, dialled, filterDtmf);
      this.bridged = bridge;
      unlisten = this.deps.listening?.bridged({ callId: this.callId, callerNumber: this.from, agentId, party: dialled.leg });
      const end = await stayBridged(this.bridgedPartyDeps(), dialled, media, signal, referrals).finally(() => {
        bridge.partyLeft = true;
      });
      await bridge.aside;
      return end;
    } finally {
      unlisten?.();
      if (this.bridged === bridge) this.bridged = undefined;
      if (filterDtmf && !media.isGone) await media.setVariables({ bridge_filter_dtmf: 'false' }).catch(() => undefined);
    }
  }

  /**
   * The caller leaves the bridge for `work` (an adviser's "take payment"): both channels are taken out of
   * the bridge (uuid_transfer -both park), the party hears hold music on its own channel, and the caller's
   * channel is `work`'s — the payment hand-off then moves the caller's media off FreeSWITCH altogether, so
   * no key the caller presses reaches the party's leg or our media server. Afterwards the caller (on
   * whatever channel they are on now) is bridged back to the same party, unless either has gone.
   */
  async setAside<T>(work: (aside: AsideWork) => Promise<T>, signal: AbortSignal): Promise<SetAsideResult<T>> {
    const bridge = this.bridged;
    if (!bridge || bridge.partyLeft || bridge.aside || this.callerGone) return { kind: 'noBridge' };
    const op = this.opSignal(signal);
    let settle!: () => void;
    bridge.aside = new Promise<void>((resolve) => (settle = resolve));
    const party = bridge.party.leg;
    let stopMusic: (() => Promise<void>) | undefined;
    try {
      await party.unbridge();
      stopMusic = this.media.playWhileWaiting(DEFAULT_HOLD_MUSIC, party);
      const value = await work({
        signal: op,
        get partyLeft() {
          return bridge.partyLeft;
        },
      });
      await stopMusic();
      stopMusic = undefined;
      if (!bridge.partyLeft && !this.callerGone && !party.isGone) {
        try {
          await (await this.media.current()).bridgeTo(party);
        } catch (error) {
          // The party is gone or its channel failed: the bridge ends and the flow has the caller back.
          this.deps.logger.error(`call ${this.callId}: the caller could not be put back through to the adviser`, error);
          await hangUpLeg(bridge.party);
        }
      }
      return { kind: 'done', value, partyLeft: bridge.partyLeft };
    } finally {
      await stopMusic?.().catch(() => undefined);
      bridge.aside = undefined;
      settle();
    }
  }

  private bridgedPartyDeps() {
    return { clock: this.deps.clock, callerId: this.from, dial: (d: Destination, r: DialRequest, s: AbortSignal) => dialDestination(this.deps, d, r, s) };
  }

  /** Bridge the caller to an answered leg and leave them together: the flow is done with them. */
  private detach(dialled: AnsweredLeg, filterDtmf: boolean): void {
    this.handedOff = true;
    const media = this.media.channel;
    void (async () => {
      try {
        await this.joinCaller(media, dialled, filterDtmf);
        await stayBridged(this.bridgedPartyDeps(), dialled, media, this.ended.signal, 'follow');
      } catch (error) {
        if (!this.ended.signal.aborted) this.deps.logger.error(`call ${this.callId}: bridging the transferred caller failed`, error);
      } finally {
        if (this.dialog && !this.callerGone) await Promise.resolve(this.dialog.destroy()).catch(() => undefined);
        await media.release();
      }
    })();
  }

  /** Connects the caller's audio to an answered leg (hanging that leg up if it cannot be done). */
  private async joinCaller(media: MediaLeg, dialled: AnsweredLeg, filterDtmf: boolean): Promise<void> {
    try {
      if (filterDtmf) await media.setVariables({ bridge_filter_dtmf: 'true' });
      await media.bridgeTo(dialled.leg);
    } catch (error) {
      await hangUpLeg(dialled);
      throw error;
    }
  }

  /**
   * Blind transfer by REFER. Returns undefined when the far end will not do REFER (the caller then
   * gets bridged instead).
   */
  private async refer(destination: Destination, options: BridgeOptions, signal: AbortSignal): Promise<TransferResult | undefined> {
    const route = await this.deps.route(destination, options.callerId ?? this.from);
    if (route.kind === 'failed') return route;
    const final = await referAndWait(this.dialog!, this.deps.clock, `<${route.targets[0]!.uri}>`, options.ringTimeoutMs, signal);
    if (final === 'refused') return undefined;
    signal.throwIfAborted();
    if (final !== undefined && BUSY.has(final)) return { kind: 'busy' };
    if (final !== undefined && NO_ANSWER.has(final)) return { kind: 'noAnswer' };
    if (final !== undefined && final >= 300) return { kind: 'failed', reason: `SIP ${final}` };
    await this.leave();
    return { kind: 'transferred' };
  }

  /** The caller has left this system (transferred by REFER): hang up our side and free the media. */
  private async leave(): Promise<void> {
    this.handedOff = true;
    if (this.dialog) await Promise.resolve(this.dialog.destroy()).catch(() => undefined);
    await this.media.release();
  }

  /** What a live listening turn may do with this call (listening.ts). */
  private listenHost(): ListenHost {
    const call = this;
    return {
      callId: this.callId,
      clock: this.deps.clock,
      logger: this.deps.logger,
      get media() {
        return call.media.channel;
      },
      playPrompt: (prompt, breakOnKey, signal, speech) => this.media.playPrompt(prompt, breakOnKey, signal, undefined, speech),
      keysWaiting: () => this.media.keysWaiting,
      onKey: (listener) => this.media.onKey(listener),
      takeKeys: (max) => this.media.takeKeys(max),
      collectKeys: (maxDigits, signal) => this.collectMore(maxDigits, signal),
      listenByRecording: (options, signal) => this.listenByRecording(options, signal),
    };
  }

  /** What the payment hand-off may do with this call. */
  private handOffHost(): HandOffHost {
    const call = this;
    return {
      callId: this.callId,
      clock: this.deps.clock,
      logger: this.deps.logger,
      get callerDialog() {
        return call.dialog!;
      },
      get media() {
        return call.media.channel;
      },
      dial: (destination, ringTimeoutMs, signal) => dialDestination(this.deps, destination, { ringTimeoutMs, callerId: this.from, offerless: true }, signal),
      hangUpLeg: (leg) => hangUpLeg(leg),
      createLeg: (remoteSdp) => this.deps.createLeg({ remoteSdp }),
      adopt: (leg) => this.adopt(leg),
      refer: (referTo, waitMs, signal) => referAndWait(this.dialog!, this.deps.clock, referTo, waitMs, signal),
      leave: () => this.leave(),
      leaveConnected: (farEnd) => this.leaveConnected(farEnd),
    };
  }

  /** The caller is back on FreeSWITCH (after a payment hand-off), on a new channel: set it up like the first. */
  private async adopt(leg: MediaLeg): Promise<void> {
    await this.media.adopt(leg);
    // The first recording ended with the channel that made it: this part of the call gets its own file.
    if (this.deps.settings.recordCalls) await this.media.startRecording(this.media.newFile('call'));
  }

  /** Caller and far end talk directly, for good: when either hangs up, the other is hung up too. */
  private leaveConnected(farEnd: SipDialog): void {
    this.handedOff = true;
    const caller = this.dialog!;
    const farEndGone = () => void Promise.resolve(caller.destroy()).catch(() => undefined);
    farEnd.once('destroy', farEndGone);
    caller.once('destroy', () => {
      farEnd.removeListener('destroy', farEndGone);
      void Promise.resolve(farEnd.destroy()).catch(() => undefined);
    });
  }
}
