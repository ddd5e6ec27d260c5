/**
 * Reading what `pocketsphinx_continuous -time yes` prints: one line per word of each utterance it
 * found, `word start-seconds end-seconds posterior`, the posterior being the word's probability in
 * the decoder's lattice (0–1) — a real confidence, unlike a grammar decoder's forced 1.0. Silence,
 * noise and sentence markers are dropped, alternative pronunciations ("read(2)") named by their word.
 */
import type { RecognizedWord } from '../../../ports/index.js';

const NOT_WORDS = /^(<s>|<\/s>|<sil>|\[[A-Z]+\]|\(NULL\))$/;

export function parseWordTimes(output: string): RecognizedWord[] {
  const words: RecognizedWord[] = [];
  for (const line of output.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields.length !== 4) continue;
    const [word, start, end, posterior] = fields as [string, string, string, string];
    if (![start, end, posterior].every((n) => /^-?\d+(\.\d+)?(e-?\d+)?$/.test(n))) continue;
    if (NOT_WORDS.test(word)) continue;
    const confidence = Math.min(1, Math.max(0, Number(posterior)));
    words.push({ word: word.replace(/\(\d+\)$/, ''), confidence });
  }
  return words;
}

/**
 * How sure the decoder is of the utterance as a whole: the mean of its words' posteriors. A flagged
 * word can be heard clearly in an utterance that was not (the words that would negate it, or give it
 * to another service, lost in noise); the speech node weighs both.
 */
export function utteranceConfidence(words: readonly RecognizedWord[]): number {
  if (words.length === 0) return 0;
  return words.reduce((sum, w) => sum + w.confidence, 0) / words.length;
}
