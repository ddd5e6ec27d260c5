import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary } from '@zxcvbn-ts/language-common';
import { MIN_PASSWORD_LENGTH } from './passwords.js';

/**
 * Which passwords people may choose: at least MIN_PASSWORD_LENGTH characters and not easy to guess —
 * zxcvbn (the ~30,000 most common passwords, keyboard walks, repeats like "aaaaaaaaaa", sequences,
 * dates, l33t) with the username and this product's own words counted as guessable. Score 3 of 4 or
 * more ("safely unguessable: moderate protection from offline attacks") is accepted.
 */
export const MIN_PASSWORD_SCORE = 3;

const zxcvbn = new ZxcvbnFactory({ dictionary, graphs: adjacencyGraphs });

/** Words anyone would try first against this product. */
const PRODUCT_WORDS = ['frontdoor', 'front door', 'council', 'westshire', 'telephony', 'designer', 'admin'];

const WARNINGS: Record<string, string> = {
  straightRow: 'it is a row of keys on the keyboard',
  keyPattern: 'it is a keyboard pattern',
  simpleRepeat: 'it repeats characters ("aaa")',
  extendedRepeat: 'it repeats a group of characters ("abcabc")',
  sequences: 'it is a sequence ("abcd", "1234")',
  recentYears: 'it ends in a recent year',
  dates: 'it contains a date',
  topTen: 'it is one of the ten most used passwords',
  topHundred: 'it is one of the hundred most used passwords',
  common: 'it is a commonly used password',
  similarToCommon: 'it is a commonly used password with small changes',
  wordByItself: 'it is a single word',
  namesByThemselves: 'it is a name',
  commonNames: 'it is a common name',
  userInputs: 'it contains the username or the name of this service',
  pwned: 'it has appeared in data breaches',
};

/** Why `password` may not be used by `username`, or undefined when it may. */
export function passwordProblem(password: string, username?: string): string | undefined {
  if (password.length < MIN_PASSWORD_LENGTH) return `must be at least ${MIN_PASSWORD_LENGTH} characters`;
  const lower = password.toLowerCase();
  if (username && username.length >= 3 && lower.includes(username.toLowerCase())) return 'must not contain the username';
  // zxcvbn's cost grows with length; what it finds in the first 100 characters decides.
  const result = zxcvbn.check(password.slice(0, 100), [...PRODUCT_WORDS, ...(username ? [username] : [])]);
  if (result.score >= MIN_PASSWORD_SCORE) return undefined;
  const why = WARNINGS[result.feedback.warning ?? ''] ?? 'it follows a pattern that is easy to guess';
  return `is too easy to guess: ${why}. Use three or four unrelated words, or a password manager`;
}
