import type { Utterance } from './call-channel.js';

export interface RecognizeOptions {
  /** BCP 47 language tag. */
  language: string;
  /** Words and phrases the flow listens for; recognisers use them as hints or a grammar. */
  phrases: string[];
  signal: AbortSignal;
}

export type Recognition =
  | { kind: 'transcript'; transcript: string; confidence: number }
  /** Audio held no recognisable speech. */
  | { kind: 'nothing' };

/** Speech to text. Google Cloud Speech in production, an on-machine recogniser offline. */
export interface Recognizer {
  recognize(utterance: Utterance, options: RecognizeOptions): Promise<Recognition>;
}
