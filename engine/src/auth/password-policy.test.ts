import { describe, expect, it } from 'vitest';
import { passwordProblem } from './password-policy.js';

describe('password policy', () => {
  // Issue 9: "aaaaaaaaaa" was accepted as an admin's password.
  it.each([
    ['aaaaaaaaaa', /repeats characters/],
    ['password123', /commonly used/],
    ['1234567890', /most used|sequence/],
    ['qwertyuiop', /most used|keyboard/],
    ['Password123!', /commonly used/],
    ['frontdoor2026', /username or the name of this service|easy to guess/],
    ['short', /at least 10/],
  ])('refuses %s', (password, why) => {
    expect(passwordProblem(password, 'alice')).toMatch(why);
  });

  it('refuses a password built on the username', () => {
    expect(passwordProblem('jsmith12345', 'jsmith')).toBe('must not contain the username');
    expect(passwordProblem('JSmith-Roads-2031', 'jsmith')).toBe('must not contain the username');
  });

  it('accepts passphrases and random passwords', () => {
    expect(passwordProblem('kettle violin marsh lantern', 'alice')).toBeUndefined();
    expect(passwordProblem('correct horse battery staple 7', 'alice')).toBeUndefined();
    expect(passwordProblem('tX9#vQ2!mLp4', 'alice')).toBeUndefined();
  });

  it('stays quick on very long input', () => {
    expect(passwordProblem('a'.repeat(1000), 'alice')).toMatch(/repeats/);
  });
});
