import type { Utterance } from './call-channel.js';

export interface RecognizeOptions {
  /** BCP 47 language tag. */
  language: string;
  /** Other languages the caller may answer in (the flow's other languages); recognisers that can tell languages apart listen for them too. */
  alternativeLanguages?: string[];
  /** Words and phrases the flow listens for; recognisers use them as hints or a grammar. */
  phrases: string[];
  /**
   * Called with the words the recogniser is already sure of while the caller is still talking (its
   * stable interim results), for recognisers that have them. Returning true asks it to stop listening
   * there and settle with its final result for the audio so far, marked `early`.
   */
  decideEarly?(words: string): boolean;
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
      /** The language the words were recognised in, when the recogniser tells (one of the alternatives, say). */
      language?: string;
      /** The recogniser stopped listening before the caller finished, because `decideEarly` asked it to. */
      early?: boolean;
    }
  /** Audio held no recognisable speech. */
  | { kind: 'nothing' };

/** Speech to text. Google Cloud Speech in production, an on-machine recogniser offline. */
export interface Recognizer {
  recognize(utterance: Utterance, options: RecognizeOptions): Promise<Recognition>;
}
