/**
 * Energy-based voice activity detection on a caller's live audio (16-bit linear PCM, mono), 20 ms
 * frames at a time. It decides when the caller has started talking (to stop the prompt: speech
 * barge-in) and when they have finished (to end the utterance), and nothing else.
 *
 * A frame is voiced when its energy stands above both an absolute floor and the line's own noise
 * (followed while the caller is quiet: it falls fast and rises slowly, so steady hiss or hum raises
 * the bar but speech does not). Speech starts only after `minSpeechMs` of voiced frames with no gap
 * longer than `bridgeGapMs` between them, so a click, a cough or a burst of line noise does not stop
 * the prompt; it ends after `endSilenceMs` without a voiced frame.
 */

export interface VoiceActivitySettings {
  /** Frames quieter than this (dB relative to full scale) are never speech: phone speech sits around -30 to -10 dBFS. */
  thresholdDb: number;
  /** A voiced frame must also stand this far (dB) above the line's noise. */
  noiseMarginDb: number;
  /** Voiced audio needed before the caller counts as talking (ms). */
  minSpeechMs: number;
  /** Silence that ends the utterance (ms). */
  endSilenceMs: number;
  /** Unvoiced gaps up to this long (ms) do not break the run of voiced frames that starts speech. */
  bridgeGapMs: number;
}

export const DEFAULT_VOICE_ACTIVITY: VoiceActivitySettings = {
  thresholdDb: -40,
  noiseMarginDb: 10,
  minSpeechMs: 200,
  endSilenceMs: 800,
  bridgeGapMs: 100,
};

export const FRAME_MS = 20;
/** Frames (100 ms) that only measure the line's noise when listening starts. */
const CALIBRATION_FRAMES = 5;

export type VoiceEvent = 'speechStarted' | 'speechEnded';

/** Loudness of 16-bit samples (RMS) in dBFS; -Infinity for digital silence. */
export function levelDb(samples: Int16Array): number {
  if (samples.length === 0) return -Infinity;
  let sum = 0;
  for (let i = 0; i < samples.length; i += 1) sum += samples[i]! * samples[i]!;
  const rms = Math.sqrt(sum / samples.length);
  return rms === 0 ? -Infinity : 20 * Math.log10(rms / 32768);
}

/** Little-endian 16-bit PCM bytes as samples (copied when not aligned). */
export function samplesOf(frame: Uint8Array): Int16Array {
  const even = frame.byteLength - (frame.byteLength % 2);
  if (frame.byteOffset % 2 === 0) return new Int16Array(frame.buffer, frame.byteOffset, even / 2);
  const copy = frame.slice(0, even);
  return new Int16Array(copy.buffer, 0, even / 2);
}

export class VoiceActivityDetector {
  private readonly settings: VoiceActivitySettings;
  private noiseDb = -70;
  private framesSeen = 0;
  private speaking = false;
  private voicedMs = 0;
  private gapMs = 0;
  private silenceMs = 0;

  constructor(settings: Partial<VoiceActivitySettings> = {}) {
    this.settings = { ...DEFAULT_VOICE_ACTIVITY, ...settings };
  }

  get inSpeech(): boolean {
    return this.speaking;
  }

  /** Milliseconds of the voiced run that started (or is starting) speech, gaps included: how far back the utterance began. */
  get runMs(): number {
    return this.voicedMs + this.gapMs;
  }

  /** Forget any speech in progress (the line's noise estimate is kept). */
  reset(): void {
    this.speaking = false;
    this.voicedMs = 0;
    this.gapMs = 0;
    this.silenceMs = 0;
  }

  /** One 20 ms frame; says when speech starts or ends at this frame. */
  push(frame: Int16Array): VoiceEvent | undefined {
    const db = levelDb(frame);
    const level = Number.isFinite(db) ? db : -90;
    if (this.framesSeen < CALIBRATION_FRAMES) {
      // The first frames only measure the line: a caller is rarely talking the moment listening starts.
      this.noiseDb = this.framesSeen === 0 ? level : Math.max(this.noiseDb, level);
      this.framesSeen += 1;
      return undefined;
    }
    const voiced = level >= this.settings.thresholdDb && level >= this.noiseDb + this.settings.noiseMarginDb;
    this.followNoise(level, voiced);
    if (this.speaking) {
      this.silenceMs = voiced ? 0 : this.silenceMs + FRAME_MS;
      if (this.silenceMs >= this.settings.endSilenceMs) {
        this.reset();
        return 'speechEnded';
      }
      return undefined;
    }
    if (voiced) {
      this.voicedMs += FRAME_MS;
      if (this.voicedMs >= this.settings.minSpeechMs) {
        this.speaking = true;
        this.silenceMs = 0;
        return 'speechStarted';
      }
    } else if (this.voicedMs > 0) {
      this.gapMs += FRAME_MS;
      if (this.gapMs > this.settings.bridgeGapMs) {
        this.voicedMs = 0;
        this.gapMs = 0;
      }
    }
    return undefined;
  }

  /**
   * The line's noise: drops at once to a quieter frame and creeps up towards a louder one — slowly
   * while frames count as voiced, so a steady hum that starts loud is learnt within seconds while the
   * pauses between words keep pulling the estimate back down during real speech.
   */
  private followNoise(level: number, voiced: boolean): void {
    if (level < this.noiseDb) this.noiseDb = level;
    else this.noiseDb += Math.min(voiced ? 0.05 : 0.5, level - this.noiseDb);
  }
}
