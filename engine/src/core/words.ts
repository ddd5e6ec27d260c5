/**
 * What a caller said, as words the flagged-word matcher compares: lower case, accents and
 * punctuation gone, contractions spelled out ("don't" → "do not"), and, for English, each word
 * reduced to its stem (Porter's stemmer; "falling", "falls" → "fall") with the irregular forms a
 * stemmer cannot know ("fell", "fallen" → "fall"). A clause number goes with each word so that
 * phrases and negation do not reach across a full stop or comma in typed text.
 */
import { stemmer } from 'stemmer';

export interface Word {
  /** The stem the matcher compares. */
  stem: string;
  /** Which clause of the text the word is in (punctuation starts a new one). */
  clause: number;
  /** The text's words (split at spaces and punctuation, counted from 0) this word came from: first and last. */
  source: [number, number];
}

/** Contractions spelled out before apostrophes are dropped. Recognisers often leave the apostrophe out. */
const CONTRACTIONS: Record<string, string> = {
  "won't": 'will not', wont: 'will not', "can't": 'can not', cant: 'can not', cannot: 'can not', "shan't": 'shall not',
  "ain't": 'is not', aint: 'is not', "i'm": 'i am', im: 'i am',
};
const NOT_SUFFIXED = ['do', 'does', 'did', 'is', 'are', 'was', 'were', 'has', 'have', 'had', 'could', 'should', 'would', 'must', 'need', 'might'];
for (const base of NOT_SUFFIXED) {
  CONTRACTIONS[`${base}n't`] = `${base} not`;
  CONTRACTIONS[`${base}nt`] = `${base} not`;
}
const SUFFIXES: Array<[RegExp, string]> = [
  [/'ve$/, ' have'],
  [/'re$/, ' are'],
  [/'ll$/, ' will'],
  [/'d$/, ' would'],
  [/'s$/, ''], // "she's" → "she" (is/has drop out; both are words the matcher skips), "mum's" → "mum"
];

/**
 * Irregular forms Porter's stemmer leaves apart, mapped to the stem of their base form. Only words a
 * caller is likely to use about harm, care or council services; regular forms need no entry.
 */
const IRREGULAR: Record<string, string> = {
  fell: 'fall', fallen: 'fall', beaten: 'beat', struck: 'strike', stricken: 'strike', threw: 'throw', thrown: 'throw',
  bit: 'bite', bitten: 'bite', broke: 'break', broken: 'break', took: 'take', taken: 'take', stole: 'steal', stolen: 'steal',
  shook: 'shake', shaken: 'shake', felt: 'feel', kept: 'keep', told: 'tell', said: 'say', paid: 'pay', gave: 'give',
  given: 'give', went: 'go', gone: 'go', ate: 'eat', eaten: 'eat', forgot: 'forget', forgotten: 'forget', ran: 'run',
  hid: 'hide', hidden: 'hide', froze: 'freez', frozen: 'freez', fought: 'fight', caught: 'catch', left: 'leave',
  children: 'child', men: 'man', women: 'woman', lying: 'lie', lay: 'lie', lain: 'lie', died: 'die', dying: 'die',
};

const APOSTROPHES = /['’`‘]/g;

/** One word as the matcher sees it. English words are stemmed; other languages are only lower-cased. */
export function stemWord(word: string, english: boolean): string {
  if (!english) return word;
  return IRREGULAR[word] ?? stemmer(word);
}

function spellOut(token: string): string[] {
  const whole = CONTRACTIONS[token];
  if (whole) return whole.split(' ');
  for (const [suffix, replacement] of SUFFIXES) {
    if (suffix.test(token)) return `${token.replace(suffix, replacement)}`.split(' ').filter(Boolean);
  }
  return [token.replace(APOSTROPHES, '')];
}

/**
 * The words of a text, as the matcher compares them. `language` is a BCP 47 tag; stemming is
 * English only (a Welsh phrase is matched on its words as written, which is what a Welsh speaker says).
 */
export function textWords(text: string, language = 'en'): Word[] {
  const english = language.toLowerCase().startsWith('en');
  const words: Word[] = [];
  const clauses = text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(APOSTROPHES, "'")
    .split(/[.,;:!?()\n]+/);
  let tokenIndex = 0;
  clauses.forEach((clause, index) => {
    for (const token of clause.split(/[^\p{L}\p{N}']+/u)) {
      const trimmed = token.replace(/^'+|'+$/g, '');
      if (trimmed === '') continue;
      const source: [number, number] = [tokenIndex, tokenIndex];
      tokenIndex++;
      for (const part of spellOut(trimmed)) if (part !== '') words.push({ stem: stemWord(part, english), clause: index, source });
    }
  });
  return words;
}

/** How many words (split at spaces and punctuation) a text has: how recognised words line up with KeywordMatch.tokens. */
export function tokenCount(text: string): number {
  return text.split(/[^\p{L}\p{N}']+/u).filter((t) => t.replace(/^'+|'+$/g, '') !== '').length;
}

/** The stems of a text in order (no clause information): how phrases and synonyms are written down. */
export function textStems(text: string, language = 'en'): string[] {
  return textWords(text, language).map((w) => w.stem);
}
