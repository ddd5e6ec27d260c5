import { describe, expect, it } from 'vitest';
import { clock, spoken } from './presence.js';

describe('times in a state', () => {
  it('reads like a wallboard clock', () => {
    expect(clock(42_000)).toBe('0:42');
    expect(clock(725_000)).toBe('12:05');
    expect(clock(3_729_000)).toBe('1:02:09');
    expect(clock(-5)).toBe('0:00');
  });
  it('says it in words for screen readers', () => {
    expect(spoken(1_000)).toBe('1 second');
    expect(spoken(59_000)).toBe('59 seconds');
    expect(spoken(3_720_000)).toBe('1 hour 2 minutes');
  });
});
