/**
 * Deciding before the caller has finished talking, from the words a recogniser is already sure of
 * (Google's stable interim results): only ever FOR safeguarding, and only once nothing the caller
 * could still say would change it.
 *
 * Why only safeguarding: a vulnerable group wins over every other group, so words that come later
 * cannot take a caller away from it — with one exception, a longer phrase of another service that
 * contains the flagged words and is said without words between ("fallen" + "behind" is payments).
 * So the match counts only when enough words have followed it that no such phrase can still be
 * completed. A negation comes before what it negates ("I'm not hurt"), so it is already heard.
 * Deciding early against safeguarding is never done: the next words might be "… and my mum has
 * fallen". The speech node then judges the recogniser's final result for the audio so far with the
 * usual confidence rules, and never sends an early decision anywhere but safeguarding.
 */
import { findKeywords, type KeywordGroup, type MatchOptions } from '../../keywords.js';
import { textStems, tokenCount } from '../../words.js';

/** The safeguarding group the words so far settle on, or undefined when it is not (yet) certain. */
export function settledSafeguarding<G extends KeywordGroup>(words: string, groups: readonly G[], options: MatchOptions): G | undefined {
  const match = findKeywords(words, groups, options).match;
  if (!match?.group.vulnerable || match.tokens.length === 0) return undefined;
  const wordsAfter = tokenCount(words) - 1 - Math.max(...match.tokens);
  return wordsAfter >= longestOtherPhrase(groups, options) - 1 ? match.group : undefined;
}

/** Words in the longest phrase of a non-vulnerable group, allowing for synonyms that stand for longer phrases. */
function longestOtherPhrase(groups: readonly KeywordGroup[], options: MatchOptions): number {
  const words = (text: string) => textStems(text, options.language ?? 'en').length;
  const phrases = groups.filter((g) => !g.vulnerable).flatMap((g) => g.phrases.map(words));
  const synonymGrowth = Math.max(0, ...(options.synonyms ?? []).flatMap((list) => list.map((s) => words(s) - 1)));
  return Math.max(1, ...phrases) + synonymGrowth;
}
