import type { Clock } from '../../../ports/clock.js';
import type { AudioForkInvitation, AudioForkServer, CallerAudioConnection } from './audio-fork-server.js';
import type { MediaLeg } from './media-leg.js';
import { FRAME_MS, samplesOf, VoiceActivityDetector, type VoiceActivitySettings } from './voice-activity.js';

export interface CallerSpeechSettings {
  /** Rate the media server streams at: 8 kHz is what a phone line carries; 16 kHz for wideband callers. */
  sampleRateHz: 8000 | 16000;
  voice: VoiceActivitySettings;
  /** Audio kept from before the detector was sure the caller is talking (ms), so no first syllable is lost. */
  preRollMs: number;
}

/** Why an utterance ended: trailing silence, the node's longest answer, a key, the stream lost, or nobody reading any more. */
export type UtteranceEnd = 'silence' | 'maxSpeech' | 'key' | 'lost' | 'stopped';

/** How much audio is kept while waiting for speech: a prompt's worth of talk-over, at most. */
const KEPT_BEFORE_SPEECH_MS = 2000;

/**
 * One listening turn on a caller's channel: what they say, streamed live from FreeSWITCH by
 * mod_audio_fork while the prompt plays and after, watched by a voice activity detector.
 *
 * - `started` resolves when the caller starts talking (once armed): the prompt is stopped there
 *   (speech barge-in) and the utterance begins, with the audio just before it (pre-roll);
 * - the utterance is an async iterable of 20 ms L16 frames, live: a recogniser decodes while the
 *   caller speaks; it ends after the trailing silence, at the longest answer, on a key (when keys are
 *   allowed), when the stream is lost, or when the reader stops reading;
 * - `failed` resolves when the stream could not be had (the media server never connected, or
 *   dropped it before any speech): the channel then listens the old way;
 * - the fork is stopped (`uuid_audio_fork stop`) as soon as the turn no longer needs it, so the
 *   engine never receives a caller's audio outside a question.
 */
export class CallerSpeech {
  readonly started: Promise<void>;
  readonly failed: Promise<string>;
  /** Why the utterance ended, once it has. */
  endedBy: UtteranceEnd | undefined;
  private readonly detector: VoiceActivityDetector;
  private readonly before: Uint8Array[] = [];
  private readonly queue: Uint8Array[] = [];
  private readonly endListeners = new Set<() => void>();
  private state: 'waiting' | 'speaking' | 'ended' = 'waiting';
  private armed = false;
  private wake: (() => void) | undefined;
  private startedNow!: () => void;
  private failedNow!: (reason: string) => void;
  private stopping: Promise<void> | undefined;
  private readonly endTimer = new AbortController();

  private constructor(
    private readonly media: MediaLeg,
    private readonly invitation: AudioForkInvitation,
    private readonly settings: CallerSpeechSettings,
  ) {
    this.detector = new VoiceActivityDetector(settings.voice);
    this.started = new Promise((resolve) => (this.startedNow = resolve));
    this.failed = new Promise((resolve) => (this.failedNow = resolve));
    invitation.connected.then(
      (connection) => this.attach(connection),
      (error: Error) => {
        if (this.state !== 'ended') this.failedNow(error.message);
      },
    );
  }

  /**
   * Starts streaming `media`'s caller audio to `forks`. Rejects when the media server refuses
   * (mod_audio_fork not loaded, channel gone); the connection itself arrives later, or `failed` says why not.
   */
  static async open(media: MediaLeg, forks: AudioForkServer, callId: string, settings: CallerSpeechSettings): Promise<CallerSpeech> {
    const invitation = forks.expect(callId, settings.sampleRateHz);
    try {
      await media.startAudioFork(invitation.url, settings.sampleRateHz);
    } catch (error) {
      invitation.cancel();
      throw error;
    }
    return new CallerSpeech(media, invitation, settings);
  }

  get sampleRateHz(): number {
    return this.settings.sampleRateHz;
  }

  get speaking(): boolean {
    return this.state === 'speaking';
  }

  /** From now on, speech starts the utterance (before: only the line's noise is learnt). */
  arm(): void {
    if (this.armed) return;
    this.armed = true;
    // The caller was already talking (over a prompt without barge-in): their words so far count.
    if (this.state === 'waiting' && this.detector.inSpeech) this.beginSpeech(this.before.length);
  }

  /**
   * Ends the utterance after `maxSpeechMs` of it, or when `signal` aborts (the caller hung up, the
   * node was left). Call once the utterance is handed to a reader.
   */
  limit(clock: Clock, maxSpeechMs: number, signal: AbortSignal): void {
    const stop = AbortSignal.any([signal, this.endTimer.signal]);
    if (stop.aborted) return this.end('stopped');
    stop.addEventListener('abort', () => this.end('stopped'), { once: true });
    clock.sleep(maxSpeechMs, stop).then(
      () => this.end('maxSpeech'),
      () => undefined,
    );
  }

  /** Called once when the utterance ends. */
  onEnd(listener: () => void): void {
    if (this.state === 'ended') listener();
    else this.endListeners.add(listener);
  }

  /** The caller's words as 20 ms frames of 16-bit little-endian PCM, live until the utterance ends. */
  async *utterance(): AsyncIterable<Uint8Array> {
    try {
      for (;;) {
        const frame = this.queue.shift();
        if (frame) {
          yield frame;
          continue;
        }
        if (this.state === 'ended') return;
        await new Promise<void>((resolve) => (this.wake = resolve));
      }
    } finally {
      this.end('stopped');
    }
  }

  /** Ends the utterance now (a key, the reader gone); no-op once ended. */
  end(reason: UtteranceEnd): void {
    if (this.state === 'ended') return;
    this.state = 'ended';
    this.endedBy = reason;
    this.endTimer.abort();
    this.notify();
    for (const listener of [...this.endListeners]) listener();
    this.endListeners.clear();
    void this.stop();
  }

  /** Stops the stream on the media server and closes the connection. Idempotent; never throws. */
  stop(): Promise<void> {
    if (this.state !== 'ended') {
      this.state = 'ended';
      this.endedBy ??= 'stopped';
      this.endTimer.abort();
      this.notify();
    }
    this.stopping ??= (async () => {
      // The module's own stop first: it detaches the media bug (a later start on this channel would
      // otherwise find it still attached), then our end of the connection.
      await this.media.stopAudioFork();
      this.invitation.cancel();
    })();
    return this.stopping;
  }

  private attach(connection: CallerAudioConnection): void {
    if (this.state === 'ended') return connection.close();
    connection.onAudio((frame) => this.hear(frame));
    connection.onClose((reason) => {
      if (this.state === 'speaking') this.end('lost');
      else if (this.state === 'waiting') this.failedNow(reason);
    });
  }

  private hear(frame: Uint8Array): void {
    if (this.state === 'ended') return;
    const event = this.detector.push(samplesOf(frame));
    if (this.state === 'speaking') {
      this.queue.push(frame);
      this.notify();
      if (event === 'speechEnded') this.end('silence');
      return;
    }
    this.before.push(frame);
    if (this.before.length > KEPT_BEFORE_SPEECH_MS / FRAME_MS) this.before.shift();
    if (event === 'speechStarted' && this.armed) {
      this.beginSpeech(Math.ceil((this.detector.runMs + this.settings.preRollMs) / FRAME_MS));
    }
  }

  private beginSpeech(framesBefore: number): void {
    this.state = 'speaking';
    if (framesBefore > 0) this.queue.push(...this.before.slice(-framesBefore));
    this.before.length = 0;
    this.startedNow();
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
