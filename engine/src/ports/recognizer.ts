import type { Utterance } from './call-channel.js';

export interface RecognizeOptions {
  /** BCP 47 language tag. */
  language: string;
  /** Words and phrases the flow listens for; recognisers use them as hints or a grammar. */
  phrases: string[];
  signal: AbortSignal;
}

/** One recognised word and how sure the recogniser is of it (0–1). */
export interface RecognizedWord {
  word: string;
  confidence: number;
}

export type Recognition =
  | {
      kind: 'transcript';
      transcript: string;
      /** How sure the recogniser is of the transcript (0–1): from the decoder, never a constant. */
      confidence: number;
      /**
       * The transcript's words, in order, each with its own confidence, when the recogniser gives them
       * (the words joined by single spaces are the transcript). The speech node then judges the
       * flagged words it matched by their own confidence rather than the whole utterance's.
       */
      words?: RecognizedWord[];
    }
  /** Audio held no recognisable speech. */
  | { kind: 'nothing' };

/** Speech to text. Google Cloud Speech in production, an on-machine recogniser offline. */
export interface Recognizer {
  recognize(utterance: Utterance, options: RecognizeOptions): Promise<Recognition>;
}
