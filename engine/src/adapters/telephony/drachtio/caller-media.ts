import type { PromptSegment } from '../../../ports/call-channel.js';
import type { Clock } from '../../../ports/clock.js';
import { TelephonyError, type MediaLeg } from './media-leg.js';
import type { TelephonyLogger } from './media-pool.js';
import type { SipDialog } from './sip.js';

/**
 * The caller's side of the media: their FreeSWITCH channel (moved to another media server if theirs
 * dies mid-call), the keys they press (a type-ahead buffer, so a key pressed before a prompt ends is
 * never lost), prompts, commands a key or a hang-up can cut short, and the call's recordings.
 */

/** Languages mod_flite's voices speak; other text goes to `speechFor`. */
const FLITE_LANGUAGES = /^en(-|$)/;
/** Ends a wait for a key's timer (made once: abort() without a reason makes a DOMException, and its stack, each time). */
const KEY_WAIT_OVER = new DOMException('the wait for a key is over', 'AbortError');
/** A waiting sound that ends sooner than this is not playing properly: stop rather than spin. */
const SHORTEST_WAIT_SOUND_MS = 100;

export interface CallerMediaDeps {
  callId: string;
  /** A new channel facing the caller (re-anchoring after a media server died). */
  createLeg(options: { remoteSdp?: string; avoid?: string }): Promise<MediaLeg>;
  /** The caller's dialog once answered (a re-INVITE points the caller at a new channel). */
  dialog(): SipDialog | undefined;
  clock: Clock;
  logger: TelephonyLogger;
  settings: { ttsVoice: string; recordingsDir: string };
  speechFor?(text: string, language: string): string | undefined;
  /** True once the caller has gone: a lost channel is then not worth a log line. */
  callerGone(): boolean;
}

export class CallerMedia {
  private leg: MediaLeg;
  private readonly typeAhead: string[] = [];
  private readonly digitWaiters = new Set<() => void>();
  /** Recordings of the caller's channel running now (the whole call, a bridged conversation). */
  private readonly liveRecordings = new Set<string>();
  private recordingPaused = false;
  private files = 0;

  constructor(
    leg: MediaLeg,
    private readonly deps: CallerMediaDeps,
  ) {
    this.leg = leg;
    this.watch(leg);
  }

  /** The caller's channel as it is now (possibly gone). */
  get channel(): MediaLeg {
    return this.leg;
  }

  /** Variables every caller channel needs: TTS voice, keys never ending playbacks, the caller kept after a bridge. */
  async prepare(leg: MediaLeg = this.leg): Promise<void> {
    await leg.setVariables({
      tts_engine: 'flite',
      tts_voice: this.deps.settings.ttsVoice,
      playback_terminators: 'none',
      hangup_after_bridge: 'false',
      park_after_bridge: 'true',
    });
  }

  /**
   * The caller's FreeSWITCH channel; if its media server died mid-call, move the caller to another
   * one (a new channel facing the caller, then a re-INVITE pointing the caller at it).
   */
  async current(): Promise<MediaLeg> {
    if (!this.leg.isGone) return this.leg;
    const dialog = this.deps.dialog();
    if (!dialog) throw new TelephonyError('mediaServerLost', 'the media server dropped the call before it was answered');
    const lost = this.leg;
    const leg = await this.deps.createLeg({ remoteSdp: dialog.remote.sdp, avoid: lost.mediaServerName });
    try {
      await dialog.modify(leg.localSdp);
    } catch (error) {
      await leg.release();
      throw new TelephonyError('mediaServerLost', `moving the caller to media server ${leg.mediaServerName} failed: ${(error as Error).message}`);
    }
    this.leg = leg;
    this.watch(leg);
    this.liveRecordings.clear(); // they stayed on the lost server
    await this.prepare(leg);
    this.deps.logger.info(`call ${this.deps.callId}: moved from media server ${lost.mediaServerName} to ${leg.mediaServerName}`);
    return leg;
  }

  /** The caller is on FreeSWITCH again on a new channel (back from a payment hand-off): use it, set up like the first. */
  async adopt(leg: MediaLeg): Promise<void> {
    this.leg = leg;
    this.watch(leg);
    this.liveRecordings.clear(); // they ended with the channel that made them
    await this.prepare(leg);
  }

  private watch(media: MediaLeg): void {
    media.onDigit((digit) => {
      this.typeAhead.push(digit);
      for (const wake of [...this.digitWaiters]) wake();
    });
    media.onGone((reason) => {
      // 'released' is our own release (e.g. after a REFER handed the caller on), not a loss.
      if (!this.deps.callerGone() && media === this.leg && reason !== 'released') {
        this.deps.logger.error(`call ${this.deps.callId}: media server ${media.mediaServerName} lost the channel (${reason})`);
      }
    });
  }

  // ---- keys ------------------------------------------------------------------------------------

  get keysWaiting(): number {
    return this.typeAhead.length;
  }

  takeKey(): string | undefined {
    return this.typeAhead.shift();
  }

  /** Takes up to `max` waiting keys. */
  takeKeys(max: number): string {
    return this.typeAhead.splice(0, max).join('');
  }

  clearKeys(): void {
    this.typeAhead.length = 0;
  }

  /** Calls `listener` at each key until the returned function is called. */
  onKey(listener: () => void): () => void {
    this.digitWaiters.add(listener);
    return () => this.digitWaiters.delete(listener);
  }

  /** The next key from the type-ahead buffer, or undefined after `timeoutMs` without one. */
  nextDigit(timeoutMs: number, signal: AbortSignal): Promise<string | undefined> {
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
      const lost = this.leg.onGone(() => {
        finish();
        reject(signal.aborted ? signal.reason : new TelephonyError('mediaServerLost', 'the media server dropped the call while waiting for a key'));
      });
      const finish = () => {
        this.digitWaiters.delete(wake);
        lost();
        timer.abort(KEY_WAIT_OVER);
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

  // ---- sound -----------------------------------------------------------------------------------

  /** What FreeSWITCH plays for a prompt segment: recorded audio, rendered speech (Welsh) or flite TTS. */
  fileFor(segment: PromptSegment): string {
    const text = segment.text.replace(/\s+/g, ' ').trim();
    const audio = segment.audio ?? (FLITE_LANGUAGES.test(segment.language) ? undefined : this.deps.speechFor?.(text, segment.language));
    return audio ? mediaFile(audio) : `say:${text}`;
  }

  /**
   * Plays each segment on `media` (the caller's channel unless given); with barge-in, a key (or one
   * pressed before) ends it. `speech` settling (the caller starting to talk, heard live) ends it too.
   * Keys stay waiting.
   */
  async playPrompt(prompt: PromptSegment[], bargeIn: boolean, signal: AbortSignal, media?: MediaLeg, speech?: Promise<unknown>): Promise<{ interrupted: boolean }> {
    let spoken = false;
    void speech?.then(() => (spoken = true));
    for (const segment of prompt) {
      if ((bargeIn && this.typeAhead.length) || spoken) return { interrupted: true };
      const leg = media ?? (await this.current());
      const outcome = await this.interruptible(leg, leg.play(this.fileFor(segment)), bargeIn, signal, speech);
      if (!outcome.result.found) this.deps.logger.error(`call ${this.deps.callId}: prompt ${segment.promptId ?? segment.audio ?? '(tts)'} could not be played`);
      if (outcome.interrupted) return { interrupted: true };
    }
    return { interrupted: bargeIn && this.typeAhead.length > 0 };
  }

  /**
   * Plays `file` to the caller (or to `media`, another party's channel) over and over until the returned
   * function is called (which stops it and resolves once it has stopped): what a caller hears while
   * someone else's phone rings, what an adviser hears while their caller pays.
   */
  playWhileWaiting(file: string, media: MediaLeg = this.leg): () => Promise<void> {
    let stopped = false;
    const playing = (async () => {
      while (!stopped && !media.isGone) {
        const result = await media.play(file).catch(() => undefined);
        if (stopped || media.isGone) return;
        if (!result?.found || result.playedMs < SHORTEST_WAIT_SOUND_MS) {
          this.deps.logger.error(`call ${this.deps.callId}: ${file} could not be played while the caller waits`);
          return;
        }
      }
    })();
    return async () => {
      if (!stopped) {
        stopped = true;
        await media.interrupt();
      }
      await playing;
    };
  }

  /**
   * Runs a media command that a key press (when `breakOnDigit`), `breakOn` settling (the caller
   * starting to talk) or the signal can cut short (uuid_break). On abort it rejects at once with the
   * abort reason: a hung-up caller's channel is being released and may never answer.
   */
  interruptible<T>(media: MediaLeg, command: Promise<T>, breakOnDigit: boolean, signal: AbortSignal, breakOn?: Promise<unknown>): Promise<{ result: T; interrupted: boolean }> {
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

  // ---- recordings ------------------------------------------------------------------------------

  /** A new file in the recordings directory for this call: `<call>-<kind>-<n>.wav` (`<call>-<kind>.wav` unnumbered). */
  newFile(kind: string, numbered = true): string {
    const name = `${this.deps.callId.replace(/[^A-Za-z0-9_.-]/g, '_')}-${kind}`;
    if (!numbered) return `${this.deps.settings.recordingsDir}/${name}.wav`;
    this.files += 1;
    return `${this.deps.settings.recordingsDir}/${name}-${this.files}.wav`;
  }

  /** Record the caller's channel (both directions once bridged) in the background; masked at once while recording is paused. */
  async startRecording(path: string): Promise<void> {
    const media = await this.current();
    await media.startCallRecording(path);
    this.liveRecordings.add(path);
    if (this.recordingPaused) await media.maskCallRecording(path, true);
  }

  /** Stop a background recording. Never throws: the channel may already be gone (and the file closed with it). */
  async stopRecording(path: string): Promise<void> {
    if (!this.liveRecordings.delete(path) || this.leg.isGone) return;
    await this.leg.stopCallRecording(path).catch((error: unknown) => {
      this.deps.logger.error(`call ${this.deps.callId}: stopping the recording ${path} failed`, error);
    });
  }

  /** Mask (silence) or unmask every running recording; recordings started later follow suit. Payments pause them. */
  async setRecordingPaused(paused: boolean): Promise<void> {
    this.recordingPaused = paused;
    if (this.leg.isGone) return;
    for (const path of this.liveRecordings) await this.leg.maskCallRecording(path, paused);
  }

  release(): Promise<void> {
    return this.leg.release();
  }
}

/** A media path as FreeSWITCH plays it: URLs through http_cache, streams and paths as they are. */
export function mediaFile(audio: string): string {
  return /^https?:\/\//.test(audio) ? `http_cache://${audio}` : audio;
}
