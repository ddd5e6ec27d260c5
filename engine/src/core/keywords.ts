/**
 * Flagged words: the one matcher that turns what a caller said — typed in a test call or heard on
 * the phone — into the group (an exit of a speech node) it names.
 *
 * - Words are compared as stems ("falling", "fell", "fallen" all match "fall"; see words.ts).
 * - A phrase's words must come in order, in one clause, with at most `maxGap` other words between
 *   each ("not safe" matches "I don't feel safe"; "blue badge" does not match "my badge is blue").
 * - Synonyms are word lists the designer says mean the same ("mum", "mother", "mam").
 * - Negation: a phrase right after "not", "no", "never", "nobody" … (with only words such as "am",
 *   "been", "feel", "really", "want to" between) is heard as negated and does not count: "I'm not
 *   hurt, I want to pay" is a payment. A personal pronoun ends the reach of a negation ("no, I've
 *   been hit" is still harm), and so does any other word.
 * - Priority: a vulnerable (safeguarding) group beats every other group; otherwise the group listed
 *   first wins (the designer's order: put "blue badge" before "payments" and "pay for my blue badge"
 *   is a badge), then the longer phrase within a group.
 * - Words two services share are decided deliberately: a phrase said word for word inside a longer
 *   phrase of another group belongs to the longer one — "fallen behind" (payments) takes "fallen"
 *   away from safeguarding in "I've fallen behind with my council tax", "direct payments" (care)
 *   takes "payments" away from the payments line. Only a longer phrase said without words between
 *   can do this, so "fallen and I'm behind" is still a fall.
 */
import { textStems, textWords, type Word } from './words.js';

export interface KeywordGroup {
  /** The outcome the group leads to. */
  outcome: string;
  /** Words and multi-word phrases. */
  phrases: readonly string[];
  /** Vulnerable callers' words (safeguarding): they win over every other group. */
  vulnerable?: boolean;
}

export interface MatchOptions {
  /** BCP 47 language of the transcript; stemming is English only. Default English. */
  language?: string;
  /** Lists of words or phrases that mean the same thing; each list's first entry stands for all. */
  synonyms?: ReadonlyArray<readonly string[]>;
  /** Most words allowed between two words of a phrase (default 3). */
  maxGap?: number;
}

export interface KeywordMatch<G extends KeywordGroup> {
  group: G;
  /** The phrase (as written in the group) that matched. */
  phrase: string;
  /** What the caller said that matched it, as stems ("not feel safe"). */
  heard: string;
  /** True when the caller negated it ("I'm not hurt"): it does not count. */
  negated: boolean;
  /**
   * The transcript's words (split at spaces and punctuation, counted from 0) that matched the phrase's
   * words, gaps left out: a recogniser's per-word confidence for exactly these tells how sure the match is.
   */
  tokens: number[];
}

export interface KeywordResult<G extends KeywordGroup> {
  /** The group the caller named, if any. */
  match?: KeywordMatch<G>;
  /** Every phrase found, negated ones included, best first: for the call's log and the designer's test call. */
  found: Array<KeywordMatch<G>>;
}

export const DEFAULT_MAX_GAP = 3;

const NEGATORS = new Set(textStems('not no never nobody nothing none neither nor without noone'));
/** Words that may stand between a negator and what it negates: auxiliaries, light verbs, adverbs. */
const TRANSPARENT = new Set(
  textStems(
    'am is are was were be been being do does did have has had will would can could should shall may might must ' +
      'really very too that so at all ever even much any a an the one body feel feeling felt seem seems look looks about in ' +
      'get got getting want wanted need needed to actually physically badly seriously properly particularly',
  ),
);

interface CompiledPhrase {
  text: string;
  stems: string[];
}
interface Compiled {
  language: string;
  synonyms: MatchOptions['synonyms'];
  synonymTable: Array<{ from: string[]; to: string[] }>;
  groups: Array<{ phrases: CompiledPhrase[] }>;
}
const compiledGroups = new WeakMap<readonly KeywordGroup[], Compiled>();

/** Replace every synonym by its list's first entry (longest synonym first), keeping each word's clause. */
function canonical(words: Word[], table: Compiled['synonymTable']): Word[] {
  if (table.length === 0) return words;
  const out: Word[] = [];
  for (let i = 0; i < words.length; ) {
    const entry = table.find(({ from }) => from.every((stem, k) => words[i + k]?.stem === stem && words[i + k]!.clause === words[i]!.clause));
    if (entry) {
      const source: [number, number] = [words[i]!.source[0], words[i + entry.from.length - 1]!.source[1]];
      for (const stem of entry.to) out.push({ stem, clause: words[i]!.clause, source });
      i += entry.from.length;
    } else out.push(words[i++]!);
  }
  return out;
}

function compile(groups: readonly KeywordGroup[], language: string, synonyms: MatchOptions['synonyms']): Compiled {
  const cached = compiledGroups.get(groups);
  if (cached && cached.language === language && cached.synonyms === synonyms) return cached;
  const synonymTable = (synonyms ?? [])
    .flatMap((list) => {
      const to = textStems(list[0] ?? '', language);
      return list.slice(1).map((s) => ({ from: textStems(s, language), to }));
    })
    .filter((e) => e.from.length > 0 && e.to.length > 0)
    .sort((a, b) => b.from.length - a.from.length);
  const compiled: Compiled = {
    language,
    synonyms,
    synonymTable,
    groups: groups.map((g) => ({
      phrases: g.phrases
        .map((text) => ({ text, stems: canonical(textWords(text, language), synonymTable).map((w) => w.stem) }))
        .filter((p) => p.stems.length > 0),
    })),
  };
  compiledGroups.set(groups, compiled);
  return compiled;
}

/** Every place the phrase's stems occur in order, in one clause, at most maxGap words apart (positions of each stem). */
function locate(words: Word[], stems: string[], maxGap: number): number[][] {
  const occurrences: number[][] = [];
  for (let start = 0; start < words.length; start++) {
    if (words[start]!.stem !== stems[0]) continue;
    const positions = [start];
    for (let k = 1; k < stems.length; k++) {
      const previous = positions[k - 1]!;
      let found = -1;
      for (let j = previous + 1; j <= previous + 1 + maxGap && j < words.length; j++) {
        if (words[j]!.clause !== words[start]!.clause) break;
        if (words[j]!.stem === stems[k]) {
          found = j;
          break;
        }
      }
      if (found < 0) break;
      positions.push(found);
    }
    if (positions.length === stems.length) occurrences.push(positions);
  }
  return occurrences;
}

const range = ([from, to]: [number, number]): number[] => Array.from({ length: to - from + 1 }, (_, k) => from + k);

/** True when a negator reaches the word at `start` through only transparent words in its clause. */
function isNegated(words: Word[], start: number): boolean {
  for (let j = start - 1; j >= 0 && words[j]!.clause === words[start]!.clause; j--) {
    const stem = words[j]!.stem;
    if (NEGATORS.has(stem)) return true;
    if (!TRANSPARENT.has(stem)) return false;
  }
  return false;
}

/**
 * Every group phrase found in a transcript, and the group it names: vulnerable groups first, then
 * the group listed first, then the longest phrase. Negated phrases, and phrases claimed by a longer
 * phrase of another group, are never chosen; negated ones are reported.
 */
export function findKeywords<G extends KeywordGroup>(transcript: string, groups: readonly G[], options: MatchOptions = {}): KeywordResult<G> {
  const language = options.language ?? 'en';
  const maxGap = options.maxGap ?? DEFAULT_MAX_GAP;
  const compiled = compile(groups, language, options.synonyms);
  const words = canonical(textWords(transcript, language), compiled.synonymTable);
  const found: Array<KeywordMatch<G> & { index: number; first: number; last: number; words: number }> = [];
  compiled.groups.forEach(({ phrases }, index) => {
    const group = groups[index]!;
    for (const phrase of phrases) {
      for (const positions of locate(words, phrase.stems, maxGap)) {
        const first = positions[0]!;
        const last = positions.at(-1)!;
        const negated = isNegated(words, first);
        const heard = words.slice(first, last + 1).map((w) => w.stem).join(' ');
        const tokens = [...new Set(positions.flatMap((p) => range(words[p]!.source)))];
        found.push({ group, phrase: phrase.text, heard, negated, tokens, index, first, last, words: phrase.stems.length });
      }
    }
  });
  const claimed = found.filter(
    (m) =>
      !found.some(
        (longer) =>
          longer.index !== m.index && !longer.negated && longer.words > m.words && longer.last - longer.first + 1 === longer.words && longer.first <= m.first && m.last <= longer.last,
      ),
  );
  claimed.sort(
    (a, b) =>
      Number(a.negated) - Number(b.negated) ||
      Number(!a.group.vulnerable) - Number(!b.group.vulnerable) ||
      a.index - b.index ||
      b.words - a.words,
  );
  const matches = claimed.map(({ group, phrase, heard, negated, tokens }) => ({ group, phrase, heard, negated, tokens }));
  const best = matches[0];
  return best && !best.negated ? { match: best, found: matches } : { found: matches };
}

/** The group a transcript names (see findKeywords), or undefined. */
export function matchKeywords<G extends KeywordGroup>(transcript: string, groups: readonly G[], options: MatchOptions = {}): KeywordMatch<G> | undefined {
  return findKeywords(transcript, groups, options).match;
}
