/**
 * Flagged words: groups of words and phrases listened for in what a caller says. Matching is on
 * normalised words — case, punctuation and apostrophes ignored, simple plurals reduced — and a
 * phrase matches when its words appear next to each other in the transcript.
 */
export interface KeywordGroup {
  /** The outcome the group leads to. */
  outcome: string;
  /** Words and multi-word phrases, synonyms included. */
  phrases: readonly string[];
  /** Vulnerable callers' words (safeguarding): checked before every other group. */
  vulnerable?: boolean;
}

/** Reduce simple English plurals: potholes → pothole, buses → bus, libraries → library. */
function singular(word: string): string {
  if (word.length > 4 && word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.length > 4 && /(ches|shes|sses|xes|zes)$/.test(word)) return word.slice(0, -2);
  if (word.length > 3 && word.endsWith('s') && !/(ss|us|is)$/.test(word)) return word.slice(0, -1);
  return word;
}

/** The words of a text, normalised for matching. */
export function normaliseWords(text: string): string[] {
  return text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/['’`]/g, '')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w !== '')
    .map(singular);
}

function containsRun(words: readonly string[], run: readonly string[]): boolean {
  if (run.length === 0 || run.length > words.length) return false;
  outer: for (let start = 0; start + run.length <= words.length; start++) {
    for (let i = 0; i < run.length; i++) if (words[start + i] !== run[i]) continue outer;
    return true;
  }
  return false;
}

export interface KeywordMatch<G extends KeywordGroup> {
  group: G;
  /** The phrase (as written in the group) that matched. */
  phrase: string;
}

/**
 * The group a transcript matches: vulnerable groups first, then the others in their order; within
 * a group, the first phrase that appears. Undefined when nothing matches.
 */
export function matchKeywords<G extends KeywordGroup>(transcript: string, groups: readonly G[]): KeywordMatch<G> | undefined {
  const words = normaliseWords(transcript);
  const ordered = [...groups.filter((g) => g.vulnerable), ...groups.filter((g) => !g.vulnerable)];
  for (const group of ordered) {
    const phrase = group.phrases.find((p) => containsRun(words, normaliseWords(p)));
    if (phrase !== undefined) return { group, phrase };
  }
  return undefined;
}
