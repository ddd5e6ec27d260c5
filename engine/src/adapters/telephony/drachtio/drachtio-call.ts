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
  TransferResult,
} from '../../../ports/call-channel.js';
import type { Clock } from '../../../ports/clock.js';
import type { AudioForkServer } from './audio-fork-server.js';
import { CallerSpeech, type CallerSpeechSettings } from './caller-speech.js';
import { listenLive, type ListenHost } from './listening.js';
import { handOff, type AnsweredLeg, type DialOutcome, type HandOffHost } from './hand-off.js';
import { MediaLeg, TelephonyError } from './media-leg.js';
import { referAndWait } from './refer.js';
import type { TelephonyLogger } from './media-pool.js';
import type { OutboundTarget, RouteResult } from './outbound-routing.js';
import { sipStatusOf, userOfUri, type OutgoingInvite, type SipAgent, type SipDialog, type SipRequest, type SipResponse } from './sip.js';
import { hasSpeech, wavToL16Frames } from './wav.js';

/** What a DrachtioCall needs from the rest of the adapter. */
export interface DrachtioCallDeps {
  callId: string;
  from: string;
  to: string;
  /** The caller's INVITE, not yet answered. */
  request: SipRequest;
  response: SipResponse;
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

/** Languages mod_flite's voices speak; other text goes to `speechFor`. */
const FLITE_LANGUAGES = /^en(-|$)/;

/** How long a target named in a far end's REFER may ring. */
const REFERRAL_RING_MS = 30_000;

/** The destination a REFER's Refer-To names: a Teams number when it points at Microsoft's proxies. */
export function referTarget(referTo: string | undefined): Destination | undefined {
  if (!referTo) return undefined;
  const uri = (/<([^>]+)>/.exec(referTo)?.[1] ?? referTo).split('?')[0]!.trim();
  if (!/^sips?:/i.test(uri)) return undefined;
  const user = userOfUri(uri);
  if (user && /^\+[1-9]\d{6,14}$/.test(user) && /@[^;>]*pstnhub\.microsoft\.com/i.test(uri)) return { kind: 'teams', e164: user };
  return { kind: 'sip', uri };
}

const BUSY = new Set([486, 600, 603]);
const NO_ANSWER = new Set([408, 480, 487]);
/** Energy above which a 20 ms frame counts as speech (16-bit samples, RMS). */
const SPEECH_RMS = 500;
const UTTERANCE_SAMPLE_RATE = 16_000;

/**
 * One caller's call over real SIP: signalling through drachtio-srf, media on a FreeSWITCH channel
 * (drachtio-fsmrf). Digits are gathered from DTMF events into a type-ahead buffer, so a key
 * pressed before a prompt ends is never lost. A caller hang-up at any moment aborts what runs and
 * releases the FreeSWITCH channels.
 */
export class DrachtioCall implements CallChannel {
  readonly callId: string;
  readonly from: string;
  readonly to: string;

  private media: MediaLeg;
  private dialog: SipDialog | undefined;
  private answering: Promise<void> | undefined;
  private callerGone = false;
  /** The caller was handed to another party and no longer belongs to the flow. */
  private handedOff = false;
  private readonly ended = new AbortController();
  private readonly hangupListeners = new Set<() => void>();
  private readonly typeAhead: string[] = [];
  private readonly digitWaiters = new Set<() => void>();
  private callRecording: string | undefined;
  private recordings = 0;
  /** The listening turn streaming the caller's audio now (or last). */
  private speech: CallerSpeech | undefined;

  constructor(private readonly deps: DrachtioCallDeps) {
    this.callId = deps.callId;
    this.from = deps.from;
    this.to = deps.to;
    this.media = deps.media;
    this.watchMedia(deps.media);
    deps.request.on('cancel', () => this.callerHungUp('CANCEL before answer'));
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
    const dialog = await this.deps.sip.createUAS(this.deps.request, this.deps.response, { localSdp: this.media.localSdp }).catch((error: unknown) => {
      throw new TelephonyError('signallingFailed', `answering the call failed: ${(error as Error).message}`);
    });
    this.dialog = dialog;
    dialog.on('destroy', () => this.callerHungUp('BYE'));
    this.deps.onAnswered?.();
    await this.media.setVariables(this.channelVariables());
    if (this.deps.settings.recordCalls) {
      this.callRecording = `${this.deps.settings.recordingsDir}/${this.callId}-call.wav`;
      await this.media.startCallRecording(this.callRecording);
    }
  }

  // ---- media -----------------------------------------------------------------------------------

  async play(prompt: PromptSegment[], options: PlayOptions): Promise<PlayResult> {
    const signal = this.opSignal(options.signal);
    await this.ready(signal);
    return this.playPrompt(prompt, options.bargeIn, signal);
  }

  async collectDigits(options: CollectDigitsOptions): Promise<CollectDigitsResult> {
    const signal = this.opSignal(options.signal);
    await this.ready(signal);
    await this.playPrompt(options.prompt, options.bargeIn, signal, false);
    let digits = '';
    for (;;) {
      const timeout = digits ? options.interDigitTimeoutMs : options.firstDigitTimeoutMs;
      const digit = await this.nextDigit(timeout, signal);
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
    const media = await this.currentMedia();
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
    await this.playPrompt(options.prompt, options.bargeIn && options.allowDigits, signal, false);
    const startedAt = this.deps.clock.now();
    do {
      if (options.allowDigits && this.typeAhead.length) return this.collectMore(options.maxDigits, signal);
      const path = this.recordingPath('utterance');
      const media = await this.currentMedia();
      await media.setVariables({ record_sample_rate: String(UTTERANCE_SAMPLE_RATE), playback_terminators: 'none' });
      const outcome = await this.interruptible(
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
    await this.playPrompt(options.prompt, false, signal);
    const media = await this.currentMedia();
    if (options.beep) await this.interruptible(media, media.play('tone_stream://%(400,0,1000)'), false, signal);
    this.typeAhead.length = 0;
    const path = this.recordingPath('voicemail');
    await media.setVariables({ playback_terminators: options.terminators || 'none' });
    const outcome = await this.interruptible(
      media,
      media.record(path, { maxSeconds: options.maxDurationMs / 1000, silenceThreshold: 200, silenceSeconds: options.silenceTimeoutMs / 1000 }),
      false,
      signal,
    );
    await media.setVariables({ playback_terminators: 'none' });
    this.typeAhead.length = 0;
    const durationMs = outcome.result.durationMs;
    return durationMs >= 1000 ? { kind: 'recorded', recordingId: basename(path), durationMs } : { kind: 'noInput' };
  }

  async sendDigits(digits: string, signal: AbortSignal): Promise<void> {
    const op = this.opSignal(signal);
    await this.ready(op);
    await (await this.currentMedia()).sendDigits(digits);
  }

  async setRecordingPaused(paused: boolean): Promise<void> {
    if (!this.callRecording || this.callerGone) return;
    await this.media.maskCallRecording(this.callRecording, paused);
  }

  // ---- other parties ---------------------------------------------------------------------------

  async bridge(destination: Destination, options: BridgeOptions): Promise<BridgeResult> {
    const signal = this.opSignal(options.signal);
    await this.ready(signal);
    const dialled = await this.dial(destination, options, signal);
    if (dialled.kind !== 'answered') return dialled;
    const talk = await this.connect(dialled, options.filterDtmf ?? false, signal);
    return { kind: 'completed', talkMs: talk.talkMs };
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
    return handOff(this.handOffHost(), destination, options, signal);
  }

  async hangup(reason = 'completed'): Promise<void> {
    if (this.handedOff || this.callerGone) return;
    this.callerGone = true; // no more operations on this call
    this.ended.abort(new DOMException('call ended', 'AbortError'));
    void this.speech?.stop();
    if (this.dialog) {
      await Promise.resolve(this.dialog.destroy({ headers: { Reason: `SIP;cause=200;text="${reason.replace(/[^A-Za-z0-9 _.-]/g, '')}"` } })).catch(() => undefined);
    } else if (!this.deps.response.finalResponseSent) {
      this.deps.response.send(480);
    }
    await this.media.release();
  }

  // ---- internals -------------------------------------------------------------------------------

  private callerHungUp(why: string): void {
    if (this.callerGone) return;
    this.callerGone = true;
    this.deps.logger.info(`call ${this.callId}: caller hung up (${why})`);
    this.ended.abort(new DOMException('caller hung up', 'AbortError'));
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

  private watchMedia(media: MediaLeg): void {
    media.onDigit((digit) => {
      this.typeAhead.push(digit);
      for (const wake of [...this.digitWaiters]) wake();
    });
    media.onGone((reason) => {
      // 'released' is our own release (e.g. after a REFER handed the caller on), not a loss.
      if (!this.callerGone && media === this.media && reason !== 'released') {
        this.deps.logger.error(`call ${this.callId}: media server ${media.mediaServerName} lost the channel (${reason})`);
      }
    });
  }

  /**
   * The caller's FreeSWITCH channel; if its media server died mid-call, move the caller to another
   * one (a new channel facing the caller, then a re-INVITE pointing the caller at it).
   */
  private async currentMedia(): Promise<MediaLeg> {
    if (!this.media.isGone) return this.media;
    if (!this.dialog) throw new TelephonyError('mediaServerLost', 'the media server dropped the call before it was answered');
    const lost = this.media;
    const leg = await this.deps.createLeg({ remoteSdp: this.dialog.remote.sdp, avoid: lost.mediaServerName });
    try {
      await this.dialog.modify(leg.localSdp);
    } catch (error) {
      await leg.release();
      throw new TelephonyError('mediaServerLost', `moving the caller to media server ${leg.mediaServerName} failed: ${(error as Error).message}`);
    }
    this.media = leg;
    this.watchMedia(leg);
    this.callRecording = undefined; // the recording stayed on the lost server
    await leg.setVariables(this.channelVariables());
    this.deps.logger.info(`call ${this.callId}: moved from media server ${lost.mediaServerName} to ${leg.mediaServerName}`);
    return leg;
  }

  private fileFor(segment: PromptSegment): string {
    const text = segment.text.replace(/\s+/g, ' ').trim();
    const audio = segment.audio ?? (FLITE_LANGUAGES.test(segment.language) ? undefined : this.deps.speechFor?.(text, segment.language));
    if (audio) return /^https?:\/\//.test(audio) ? `http_cache://${audio}` : audio;
    return `say:${text}`;
  }

  /**
   * Hold music until `signal` aborts or the caller presses one of `keys` (other keys are dropped). A
   * music file that ends starts again; one that cannot be played leaves the caller in silence, not in a
   * loop of failed plays.
   */
  async hold(options: HoldOptions): Promise<HoldResult> {
    const { signal, keys = '' } = options;
    let file = options.music ? this.fileFor({ language: 'en-GB', text: '', audio: options.music }) : DEFAULT_HOLD_MUSIC;
    try {
      for (;;) {
        while (this.typeAhead.length) {
          const key = this.typeAhead.shift()!;
          if (keys.includes(key)) return { kind: 'key', key };
        }
        const media = await this.currentMedia();
        const outcome = await this.interruptible(media, media.play(file), keys.length > 0, signal);
        if (!outcome.result.found && file !== SILENCE) {
          this.deps.logger.error(`call ${this.callId}: hold music ${file} could not be played; the caller waits in silence`);
          file = SILENCE;
        }
      }
    } catch (error) {
      if (signal.aborted) return { kind: 'stopped' };
      throw error;
    }
  }

  /** Plays each segment; with barge-in, a key (or one pressed before) ends it, and so does `speech` starting. */
  private async playPrompt(prompt: PromptSegment[], bargeIn: boolean, signal: AbortSignal, consumeDigits = true, speech?: Promise<void>): Promise<PlayResult> {
    let spoken = false;
    void speech?.then(() => (spoken = true));
    for (const segment of prompt) {
      if ((bargeIn && this.typeAhead.length) || spoken) break;
      const media = await this.currentMedia();
      const outcome = await this.interruptible(media, media.play(this.fileFor(segment)), bargeIn, signal, speech);
      if (!outcome.result.found) this.deps.logger.error(`call ${this.callId}: prompt ${segment.promptId ?? segment.audio ?? '(tts)'} could not be played`);
      if (outcome.interrupted) break;
    }
    if (bargeIn && this.typeAhead.length) {
      return { kind: 'interrupted', digits: consumeDigits ? this.typeAhead.splice(0).join('') : this.typeAhead.join('') };
    }
    return { kind: 'played' };
  }

  /**
   * Runs a media command that a key press (when `breakOnDigit`), `breakOn` settling (the caller
   * starting to talk) or the signal can cut short (uuid_break). On abort it rejects at once with the
   * abort reason: a hung-up caller's channel is being released and may never answer.
   */
  private interruptible<T>(
    media: MediaLeg,
    command: Promise<T>,
    breakOnDigit: boolean,
    signal: AbortSignal,
    breakOn?: Promise<unknown>,
  ): Promise<{ result: T; interrupted: boolean }> {
    return new Promise((resolve, reject) => {
      let interrupted = false;
      let settled = false;
      const onDigit = () => {
        if (interrupted || settled) return;
        interrupted = true;
        void media.interrupt();
      };
      const onAbort = () => {
        cleanup();
        void media.interrupt();
        reject(signal.reason);
      };
      const cleanup = () => {
        settled = true;
        this.digitWaiters.delete(onDigit);
        signal.removeEventListener('abort', onAbort);
      };
      if (signal.aborted) return onAbort();
      if (breakOnDigit) {
        if (this.typeAhead.length) onDigit();
        this.digitWaiters.add(onDigit);
      }
      void breakOn?.then(onDigit);
      signal.addEventListener('abort', onAbort, { once: true });
      command.then(
        (result) => {
          if (signal.aborted) return;
          cleanup();
          resolve({ result, interrupted });
        },
        (error: unknown) => {
          if (signal.aborted) return;
          cleanup();
          reject(error);
        },
      );
    });
  }

  /** The next key from the type-ahead buffer, or undefined after `timeoutMs` without one. */
  private nextDigit(timeoutMs: number, signal: AbortSignal): Promise<string | undefined> {
    const buffered = this.typeAhead.shift();
    if (buffered !== undefined) return Promise.resolve(buffered);
    return new Promise((resolve, reject) => {
      const timer = new AbortController();
      const wake = () => {
        const digit = this.typeAhead.shift();
        if (digit === undefined) return;
        finish();
        resolve(digit);
      };
      const lost = this.media.onGone(() => {
        finish();
        reject(signal.aborted ? signal.reason : new TelephonyError('mediaServerLost', 'the media server dropped the call while waiting for a key'));
      });
      const finish = () => {
        this.digitWaiters.delete(wake);
        lost();
        timer.abort();
      };
      this.digitWaiters.add(wake);
      this.deps.clock.sleep(timeoutMs, AbortSignal.any([timer.signal, signal])).then(
        () => {
          finish();
          resolve(undefined);
        },
        () => {
          if (signal.aborted) {
            finish();
            reject(signal.reason);
          }
        },
      );
    });
  }

  private async collectMore(maxDigits: number, signal: AbortSignal): Promise<ListenResult> {
    let digits = '';
    while (digits.length < maxDigits) {
      const digit = await this.nextDigit(digits ? 3000 : 0, signal);
      if (digit === undefined || digit === '#') break;
      digits += digit;
    }
    return digits ? { kind: 'digits', digits } : { kind: 'noInput' };
  }

  private recordingPath(kind: string): string {
    this.recordings += 1;
    return `${this.deps.settings.recordingsDir}/${this.callId.replace(/[^A-Za-z0-9_.-]/g, '_')}-${kind}-${this.recordings}.wav`;
  }

  /**
   * Ring a destination from a new FreeSWITCH channel (3PCC), trying each route in turn. `offerless`: the
   * INVITE carries no SDP, the far end offers and FreeSWITCH answers that offer (RFC 3725) — the far end's
   * media (plain RTP or not) decides, not our media server's (which offers SRTP as an option for Teams).
   */
  private async dial(
    destination: Destination,
    options: Pick<BridgeOptions, 'ringTimeoutMs' | 'callerId'>,
    signal: AbortSignal,
    offerless = false,
  ): Promise<DialOutcome> {
    const route = await this.deps.route(destination, options.callerId ?? this.from);
    if (route.kind === 'failed') return route;
    let last: DialOutcome = { kind: 'failed', reason: 'no route' };
    for (const target of route.targets) {
      const leg = offerless ? undefined : await this.deps.createLeg({ srtp: target.srtp }).catch((error: unknown) => error as Error);
      if (leg instanceof Error) return { kind: 'failed', reason: leg.message };
      const outcome = await this.ring(target, leg, options.ringTimeoutMs, signal).catch(async (error: unknown) => {
        await leg?.release();
        throw error;
      });
      if (outcome.kind === 'answered') return outcome;
      await leg?.release();
      last = outcome;
      if (!(outcome.kind === 'failed' && target.failOver)) break;
    }
    return last;
  }

  private async ring(target: OutboundTarget, offeringLeg: MediaLeg | undefined, ringTimeoutMs: number, signal: AbortSignal): Promise<DialOutcome> {
    let invite: OutgoingInvite | undefined;
    let timedOut = false;
    const stopTimer = new AbortController();
    const cancel = () => invite?.cancel(() => undefined);
    this.deps.clock.sleep(ringTimeoutMs, AbortSignal.any([stopTimer.signal, signal])).then(
      () => {
        timedOut = true;
        cancel();
      },
      () => undefined,
    );
    signal.addEventListener('abort', cancel, { once: true });
    const common = { headers: target.headers, ...(target.auth ? { auth: target.auth } : {}), ...(target.proxy ? { proxy: target.proxy } : {}) };
    const progress = {
      cbRequest: (req: OutgoingInvite) => {
        invite = req;
        if (timedOut || signal.aborted) cancel();
      },
    };
    try {
      let leg: MediaLeg;
      let dialog: SipDialog;
      if (offeringLeg) {
        leg = offeringLeg;
        dialog = await this.deps.sip.createUAC(target.uri, { ...common, localSdp: leg.localSdp }, progress);
      } else {
        const answered = await this.deps.sip.createUAC(target.uri, { ...common, noAck: true }, progress);
        try {
          leg = await this.deps.createLeg({ remoteSdp: answered.sdp, srtp: target.srtp });
        } catch (error) {
          await answered.destroy?.().catch(() => undefined);
          return { kind: 'failed', reason: (error as Error).message };
        }
        dialog = await answered.ack(leg.localSdp).catch(async (error: unknown) => {
          await leg.release();
          throw error;
        });
      }
      if (signal.aborted || timedOut) {
        await Promise.resolve(dialog.destroy()).catch(() => undefined);
        if (!offeringLeg) await leg.release();
        if (signal.aborted) throw signal.reason;
        return { kind: 'noAnswer' };
      }
      if (offeringLeg) await leg.modify(dialog.remote.sdp);
      return { kind: 'answered', leg, dialog };
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      const status = sipStatusOf(error);
      if (timedOut || (status !== undefined && NO_ANSWER.has(status))) return { kind: 'noAnswer' };
      if (status !== undefined && BUSY.has(status)) return { kind: 'busy' };
      return { kind: 'failed', reason: status !== undefined ? `SIP ${status}` : (error as Error).message };
    } finally {
      stopTimer.abort();
      signal.removeEventListener('abort', cancel);
    }
  }

  /** Bridge the caller to an answered leg and wait until either side hangs up. */
  private async connect(dialled: AnsweredLeg, filterDtmf: boolean, signal: AbortSignal): Promise<{ talkMs: number }> {
    const media = await this.currentMedia();
    try {
      await this.joinCaller(media, dialled, filterDtmf);
      return { talkMs: await this.stayBridged(dialled, media, signal) };
    } finally {
      if (filterDtmf && !media.isGone) await media.setVariables({ bridge_filter_dtmf: 'false' }).catch(() => undefined);
    }
  }

  /** Bridge the caller to an answered leg and leave them together: the flow is done with them. */
  private detach(dialled: AnsweredLeg, filterDtmf: boolean): void {
    this.handedOff = true;
    const media = this.media;
    void (async () => {
      try {
        await this.joinCaller(media, dialled, filterDtmf);
        await this.stayBridged(dialled, media, this.ended.signal);
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
      await this.hangUpLeg(dialled);
      throw error;
    }
  }

  /**
   * Keeps the caller bridged until the far end hangs up (resolves with the talk time) or the signal
   * aborts (the caller hung up). A REFER from the far end (a Teams user transferring the call on)
   * is followed: the new target is rung and, once it answers, takes the old party's place.
   */
  private async stayBridged(first: AnsweredLeg, media: MediaLeg, signal: AbortSignal): Promise<number> {
    let party = first;
    const answeredAt = this.deps.clock.now();
    try {
      await new Promise<void>((resolve, reject) => {
        const onAbort = () => reject(signal.reason);
        if (signal.aborted) return onAbort();
        signal.addEventListener('abort', onAbort, { once: true });
        const watch = (p: AnsweredLeg) => {
          const ended = () => {
            if (p !== party) return;
            signal.removeEventListener('abort', onAbort);
            resolve();
          };
          p.dialog.once('destroy', ended);
          p.leg.onGone(ended);
          p.dialog.on('refer', (req: SipRequest, res: SipResponse) => {
            void this.followReferral(p, req, res, media, signal, (next) => {
              party = next;
              watch(next);
            });
          });
        };
        watch(party);
      });
      return this.deps.clock.now() - answeredAt;
    } finally {
      await this.hangUpLeg(party);
    }
  }

  /** The far end asked (REFER) for the caller to be put through to someone else. */
  private async followReferral(
    from: AnsweredLeg,
    req: SipRequest,
    res: SipResponse,
    media: MediaLeg,
    signal: AbortSignal,
    switchTo: (next: AnsweredLeg) => void,
  ): Promise<void> {
    const target = referTarget(req.get('Refer-To'));
    if (!target) {
      res.send(400);
      return;
    }
    res.send(202);
    const notify = (status: number, reason: string) =>
      from.dialog
        .request({
          method: 'NOTIFY',
          headers: { Event: 'refer', 'Subscription-State': 'terminated;reason=noresource', 'Content-Type': 'message/sipfrag;version=2.0' },
          body: `SIP/2.0 ${status} ${reason}`,
        })
        .catch(() => undefined);
    const outcome = await this.dial(target, { ringTimeoutMs: REFERRAL_RING_MS }, signal).catch(() => undefined);
    if (!outcome || outcome.kind !== 'answered') {
      await notify(outcome?.kind === 'busy' ? 486 : 480, outcome?.kind === 'busy' ? 'Busy Here' : 'Temporarily Unavailable');
      return;
    }
    try {
      await media.bridgeTo(outcome.leg);
    } catch {
      await this.hangUpLeg(outcome);
      await notify(500, 'Server Internal Error');
      return;
    }
    switchTo(outcome);
    await notify(200, 'OK');
    await this.hangUpLeg(from);
  }

  private async hangUpLeg(dialled: AnsweredLeg): Promise<void> {
    await Promise.resolve(dialled.dialog.destroy()).catch(() => undefined);
    await dialled.leg.release();
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

  /** What the payment hand-off may do with this call. */
  private listenHost(): ListenHost {
    return {
      callId: this.callId,
      clock: this.deps.clock,
      logger: this.deps.logger,
      media: this.media,
      playPrompt: (prompt, breakOnKey, signal, speech) => this.playPrompt(prompt, breakOnKey, signal, false, speech),
      keysWaiting: () => this.typeAhead.length,
      onKey: (listener) => {
        this.digitWaiters.add(listener);
        return () => this.digitWaiters.delete(listener);
      },
      takeKeys: (max) => this.typeAhead.splice(0, max).join(''),
      collectKeys: (maxDigits, signal) => this.collectMore(maxDigits, signal),
      listenByRecording: (options, signal) => this.listenByRecording(options, signal),
    };
  }

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
        return call.media;
      },
      dial: (destination, ringTimeoutMs, signal) => this.dial(destination, { ringTimeoutMs }, signal, true),
      hangUpLeg: (leg) => this.hangUpLeg(leg),
      createLeg: (remoteSdp) => this.deps.createLeg({ remoteSdp }),
      adopt: (leg) => this.adopt(leg),
      refer: (referTo, waitMs, signal) => referAndWait(this.dialog!, this.deps.clock, referTo, waitMs, signal),
      leave: () => this.leave(),
      leaveConnected: (farEnd) => this.leaveConnected(farEnd),
    };
  }

  /** The caller is back on FreeSWITCH (after a payment hand-off), on a new channel: set it up like the first. */
  private async adopt(leg: MediaLeg): Promise<void> {
    this.media = leg;
    this.watchMedia(leg);
    await leg.setVariables(this.channelVariables());
    if (this.deps.settings.recordCalls) {
      // The first recording ended with the channel that made it: this part of the call gets its own file.
      this.callRecording = this.recordingPath('call');
      await leg.startCallRecording(this.callRecording);
    }
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

  private channelVariables(): Record<string, string> {
    return { tts_engine: 'flite', tts_voice: this.deps.settings.ttsVoice, playback_terminators: 'none', hangup_after_bridge: 'false', park_after_bridge: 'true' };
  }
}
