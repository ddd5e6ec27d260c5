import { describe, expect, it } from 'vitest';
import { matchKeywords, normaliseWords } from './keywords.js';

const groups = [
  { outcome: 'highways', phrases: ['pothole', 'street light', 'road'] },
  { outcome: 'blueBadge', phrases: ['blue badge', 'disabled parking'] },
  { outcome: 'safeguarding', phrases: ['fallen', 'abuse', 'not safe', 'hurt'], vulnerable: true },
];

describe('normaliseWords', () => {
  it('ignores case, punctuation and apostrophes, and reduces simple plurals', () => {
    expect(normaliseWords("There are POTHOLES on Mill Lane, it's dangerous!")).toEqual(['there', 'are', 'pothole', 'on', 'mill', 'lane', 'its', 'dangerous']);
    expect(normaliseWords('libraries, boxes; lights')).toEqual(['library', 'box', 'light']);
  });
});

describe('matchKeywords', () => {
  it('finds a word in what the caller said, whatever the case and punctuation', () => {
    expect(matchKeywords('I want to report a Pothole.', groups)).toMatchObject({ group: { outcome: 'highways' }, phrase: 'pothole' });
  });

  it('matches plurals against singular phrases', () => {
    expect(matchKeywords('the street lights are out', groups)?.group.outcome).toBe('highways');
  });

  it('matches multi-word phrases only when the words are together', () => {
    expect(matchKeywords('I need a blue badge', groups)?.group.outcome).toBe('blueBadge');
    expect(matchKeywords('my badge is blue', groups)).toBeUndefined();
  });

  it('does not match part of a word', () => {
    expect(matchKeywords('the broadband is down', groups)).toBeUndefined();
  });

  it('puts vulnerable groups first, whatever their order', () => {
    expect(matchKeywords('my mum has fallen and I need a blue badge', groups)).toMatchObject({ group: { outcome: 'safeguarding' }, phrase: 'fallen' });
    expect(matchKeywords("I don't feel safe, he's not safe", groups)?.group.outcome).toBe('safeguarding');
  });

  it('returns undefined for an empty transcript', () => {
    expect(matchKeywords('', groups)).toBeUndefined();
  });
});
