import { describe, expect, it } from 'vitest';
import { findKeywords, matchKeywords } from './keywords.js';
import { textStems, textWords } from './words.js';

const groups = [
  { outcome: 'highways', phrases: ['pothole', 'street light', 'road'] },
  { outcome: 'blueBadge', phrases: ['blue badge', 'disabled parking'] },
  { outcome: 'payments', phrases: ['pay', 'parking fine'] },
  { outcome: 'safeguarding', phrases: ['fallen', 'harm', 'abuse', 'not safe', 'hurt', 'hit me'], vulnerable: true },
];
const outcome = (said: string, options = {}) => matchKeywords(said, groups, options)?.group.outcome;

describe('textWords', () => {
  it('ignores case, accents and punctuation, spells out contractions and stems English words', () => {
    expect(textStems("There are POTHOLES on Mill Lane, it's dangerous!")).toEqual(['there', 'ar', 'pothol', 'on', 'mill', 'lane', 'it', 'danger']);
    expect(textStems("I don't feel safe, I'm scared")).toEqual(['i', 'do', 'not', 'feel', 'safe', 'i', 'am', 'scare']);
    expect(textStems('she didnt eat')).toEqual(['she', 'did', 'not', 'eat']);
  });

  it('maps irregular forms a stemmer cannot know to their base', () => {
    expect(textStems('fall falls falling fell fallen')).toEqual(['fall', 'fall', 'fall', 'fall', 'fall']);
    expect(textStems('beat beaten beating')).toEqual(['beat', 'beat', 'beat']);
  });

  it('numbers clauses at punctuation', () => {
    expect(textWords('not hurt. pay').map((w) => w.clause)).toEqual([0, 0, 1]);
  });

  it('does not stem other languages', () => {
    expect(textStems('Wedi cwympo', 'cy-GB')).toEqual(['wedi', 'cwympo']);
  });
});

describe('matchKeywords: stems', () => {
  it('matches inflected forms of a phrase', () => {
    expect(outcome('my mum fell down the stairs')).toBe('safeguarding');
    expect(outcome('she keeps falling over')).toBe('safeguarding');
    expect(outcome('he harmed himself')).toBe('safeguarding');
    expect(outcome('I am being harmed')).toBe('safeguarding');
    expect(outcome('the street lights are out')).toBe('highways');
    expect(outcome('I want to report a Pothole.')).toBe('highways');
  });

  it('does not match part of a word', () => {
    expect(outcome('the broadband is down')).toBeUndefined();
    expect(outcome('a payroll question')).toBeUndefined();
  });
});

describe('matchKeywords: words between', () => {
  it('matches a phrase with a few words between its words, in order', () => {
    expect(outcome("I don't feel safe at home")).toBe('safeguarding');
    expect(outcome('he hit my sister and me')).toBe('safeguarding'); // three words between
    expect(outcome('he hit my little sister and me')).toBeUndefined(); // four
    expect(outcome('I need a blue disabled badge')).toBe('blueBadge');
  });

  it('does not match words out of order, too far apart, or in another clause', () => {
    expect(outcome('my badge is blue')).toBeUndefined();
    expect(outcome('a blue car is parked across the road from my badge')).toBe('highways');
    expect(outcome('it is blue. my badge')).toBeUndefined();
  });

  it('takes an option for the gap', () => {
    expect(outcome('I need a blue disabled badge', { maxGap: 0 })).toBeUndefined();
  });
});

describe('matchKeywords: synonyms', () => {
  const synonyms = [
    ['pothole', 'pot hole', 'hole in the road'],
    ['hurt', 'injured', 'bleeding'],
  ];
  it('hears any synonym as its list first entry, single words and phrases alike', () => {
    expect(outcome('there is a big hole in the road', { synonyms })).toBe('highways');
    expect(outcome('a pot hole outside number 4', { synonyms })).toBe('highways');
    expect(outcome('my dad is bleeding', { synonyms })).toBe('safeguarding');
    expect(outcome('my dad is bleeding')).toBeUndefined();
  });

  it('applies synonyms inside phrases too', () => {
    const g = [{ outcome: 'carer', phrases: ['my mum needs care'] }];
    expect(matchKeywords('my mother needs care', g, { synonyms: [['mum', 'mother', 'mam']] })?.group.outcome).toBe('carer');
  });
});

describe('matchKeywords: negation', () => {
  it('does not count a negated phrase', () => {
    expect(outcome("I'm not hurt, I want to pay")).toBe('payments');
    expect(outcome('nobody has hurt me I want to pay a parking fine')).toBe('payments');
    expect(outcome('no one is harming me')).toBeUndefined();
    expect(outcome("I don't want to pay, I need a blue badge")).toBe('blueBadge');
  });

  it("says which of the transcript's words matched, gaps and contractions counted", () => {
    expect(findKeywords("I don't feel safe", groups).match).toMatchObject({ phrase: 'not safe', tokens: [1, 3] });
    expect(findKeywords('my dad has fallen, please', groups).match?.tokens).toEqual([3]);
  });

  it('reports the negated phrase it ignored', () => {
    const result = findKeywords("I'm not hurt, I want to pay", groups);
    expect(result.found.map((f) => [f.group.outcome, f.negated])).toEqual([
      ['payments', false],
      ['safeguarding', true],
    ]);
  });

  it('lets a negation reach only through auxiliaries and light words: a pronoun or another word ends it', () => {
    expect(outcome('no, I have been hurt')).toBe('safeguarding');
    expect(outcome('no I have been hurt')).toBe('safeguarding');
    expect(outcome('he did not stop hurting me')).toBe('safeguarding');
    expect(outcome("I'm not sure but I think he hurt her")).toBe('safeguarding');
    expect(outcome('I do not feel safe')).toBe('safeguarding'); // the phrase holds the negation itself
  });

  it('keeps an un-negated mention when the same phrase is also negated elsewhere', () => {
    expect(outcome("it's not that I'm hurt. he hurt my son")).toBe('safeguarding');
  });
});

describe('matchKeywords: priority', () => {
  it('puts vulnerable groups first, whatever their order', () => {
    expect(matchKeywords('my mum has fallen and I need a blue badge', groups)).toMatchObject({ group: { outcome: 'safeguarding' }, phrase: 'fallen' });
  });

  it('decides between two services by the order of the groups', () => {
    expect(outcome('I want to pay for my blue badge')).toBe('blueBadge');
    expect(outcome('I got a parking fine')).toBe('payments');
    const shared = [
      { outcome: 'first', phrases: ['parking'] },
      { outcome: 'second', phrases: ['parking'] },
    ];
    expect(matchKeywords('parking', shared)?.group.outcome).toBe('first');
  });

  it('gives a word said inside a longer phrase of another group to that group, safeguarding words too', () => {
    const shared = [
      { outcome: 'safeguarding', phrases: ['fallen'], vulnerable: true },
      { outcome: 'care', phrases: ['direct payments'] },
      { outcome: 'payments', phrases: ['payment', 'fallen behind'] },
    ];
    const said = (text: string) => matchKeywords(text, shared)?.group.outcome;
    expect(said("I've fallen behind with my council tax")).toBe('payments');
    expect(said('a question about my direct payments')).toBe('care');
    expect(said("I've fallen and now I'm behind")).toBe('safeguarding'); // the longer phrase was not said word for word
    expect(said("I've fallen behind with the rent and I fell down the stairs")).toBe('safeguarding'); // the second fall is a fall
  });

  it('returns undefined for an empty transcript or an empty phrase list', () => {
    expect(outcome('')).toBeUndefined();
    expect(matchKeywords('anything', [{ outcome: 'x', phrases: ['   '] }])).toBeUndefined();
  });

  it('matches Welsh phrases on their words', () => {
    const welsh = [{ outcome: 'safeguarding', phrases: ['wedi cwympo'], vulnerable: true }];
    expect(matchKeywords("Mae mam wedi cwympo", welsh, { language: 'cy-GB' })?.group.outcome).toBe('safeguarding');
  });
});
