import type { Recognition, RecognizeOptions, Recognizer, Utterance } from '../../../ports/index.js';

/** The simulated speech service is down (world `recognizer: unavailable`): an infrastructure fault, like Google unreachable. */
export class SpeechUnavailableError extends Error {
  constructor() {
    super('The speech service cannot be reached (simulated)');
    this.name = 'SpeechUnavailableError';
  }
}

/**
 * The simulator's recogniser: typed or scripted words are the transcript, with the confidence the
 * script gave them or a fixed one. Real audio (a test call's microphone) goes to `audio`, the
 * recogniser phone calls use, so the designer hears what callers get.
 */
export class TextRecognizer implements Recognizer {
  static readonly CONFIDENCE = 0.95;
  private readonly available: boolean;
  private readonly audio: Recognizer | undefined;

  constructor(options: { available?: boolean; audio?: Recognizer } = {}) {
    this.available = options.available ?? true;
    this.audio = options.audio;
  }

  async recognize(utterance: Utterance, options: RecognizeOptions): Promise<Recognition> {
    if (options.signal.aborted) throw options.signal.reason;
    if (utterance.kind !== 'text') {
      if (this.audio && this.available) return this.audio.recognize(utterance, options);
      throw new Error('TextRecognizer understands only simulated (text) utterances; real audio needs a speech adapter');
    }
    if (!this.available) throw new SpeechUnavailableError();
    const transcript = utterance.text.trim();
    return transcript === '' ? { kind: 'nothing' } : { kind: 'transcript', transcript, confidence: utterance.confidence ?? TextRecognizer.CONFIDENCE };
  }
}
