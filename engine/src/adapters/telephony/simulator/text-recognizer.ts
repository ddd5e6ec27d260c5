import type { Recognition, RecognizeOptions, Recognizer, Utterance } from '../../../ports/index.js';

/** The simulator's recogniser: typed or scripted words are the transcript, with a fixed confidence. */
export class TextRecognizer implements Recognizer {
  static readonly CONFIDENCE = 0.95;

  async recognize(utterance: Utterance, options: RecognizeOptions): Promise<Recognition> {
    if (options.signal.aborted) throw options.signal.reason;
    if (utterance.kind !== 'text') {
      throw new Error('TextRecognizer understands only simulated (text) utterances; real audio needs a speech adapter');
    }
    const transcript = utterance.text.trim();
    return transcript === '' ? { kind: 'nothing' } : { kind: 'transcript', transcript, confidence: TextRecognizer.CONFIDENCE };
  }
}
