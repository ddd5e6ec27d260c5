import { describe, expect, it } from 'vitest';
import { averageSpeedOfAnswer, erlangC, serviceLevel } from './erlang-c.js';

describe('Erlang C', () => {
  it('gives the textbook probabilities of waiting', () => {
    // One agent: the chance of waiting is the occupancy (M/M/1).
    expect(erlangC(1, 0.5)).toBeCloseTo(0.5, 12);
    // Two agents, one erlang: C = 1/3.
    expect(erlangC(2, 1)).toBeCloseTo(1 / 3, 12);
    // The classic call-centre example: 10 erlangs on 12 agents waits 44.9% of the time.
    expect(erlangC(12, 10)).toBeCloseTo(0.44939, 5);
    expect(erlangC(5, 5)).toBe(1);
    expect(erlangC(3, 0)).toBe(0);
  });

  it('gives service level and speed of answer as the formulas do', () => {
    // 10 erlangs, 12 agents, 180 s handle time: 20-second service level and ASA.
    const c = erlangC(12, 10);
    expect(serviceLevel(12, 10, 180, 20)).toBeCloseTo(1 - c * Math.exp((-2 * 20) / 180), 12);
    expect(averageSpeedOfAnswer(12, 10, 180)).toBeCloseTo((c * 180) / 2, 12);
    expect(serviceLevel(10, 12, 180, 20)).toBe(0);
  });

  it('refuses nonsense', () => {
    expect(() => erlangC(0, 1)).toThrow(RangeError);
    expect(() => erlangC(2.5, 1)).toThrow(RangeError);
    expect(() => erlangC(2, -1)).toThrow(RangeError);
  });
});
