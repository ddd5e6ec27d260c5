import { describe, expect, it } from 'vitest';
import { erlangC } from '../queue/erlang-c.js';
import { agentsNeeded, erlangAPrediction, erlangCPrediction } from './erlang.js';

describe('Erlang C against published worked examples', () => {
  // Call Centre Helper, "Erlang C Formula – Made Simple With an Easy Worked Example": 100 calls in 30 minutes,
  // 180 s average handle time, target 80 % answered in 20 s → 10 Erlangs; 13 agents give 79.6 % (short of
  // the target), 14 agents give 88.8 % with a 17.4 % chance of waiting and an ASA of 7.8 s: 14 are needed.
  const helper = { arrivalsPerSecond: 100 / 1800, handleSeconds: 180, withinSeconds: 20 };
  it('Call Centre Helper: 100 calls / 30 min, AHT 180 s, 80 % in 20 s', () => {
    const thirteen = erlangCPrediction(helper, 13);
    expect(thirteen.erlangs).toBeCloseTo(10, 10);
    expect(thirteen.serviceLevel).toBeCloseTo(0.796, 3);
    const fourteen = erlangCPrediction(helper, 14);
    expect(fourteen.waitProbability).toBeCloseTo(0.1741, 4);
    expect(fourteen.serviceLevel).toBeCloseTo(0.8884, 4);
    expect(fourteen.averageSpeedOfAnswer).toBeCloseTo(7.8, 1);
    expect(fourteen.occupancy).toBeCloseTo(0.714, 3);
    expect(agentsNeeded(helper, { serviceLevel: 0.8 })?.agents).toBe(14);
  });

  // Mitan Ltd, "The Erlang-C Formula" (the step-by-step calculation): 360 calls per half hour, 4-minute calls,
  // 55 agents, 15 s target → 48 Erlangs, occupancy 87.3 %, Erlang C 0.2387, ASA 8.2 s, service level 84.6 %.
  it('Mitan: 360 calls / half hour, 240 s calls, 55 agents, 15 s target', () => {
    const p = erlangCPrediction({ arrivalsPerSecond: 360 / 1800, handleSeconds: 240, withinSeconds: 15 }, 55);
    expect(p.erlangs).toBeCloseTo(48, 10);
    expect(p.occupancy).toBeCloseTo(0.873, 3);
    expect(p.waitProbability).toBeCloseTo(0.2387, 4);
    expect(p.averageSpeedOfAnswer).toBeCloseTo(8.2, 1);
    expect(p.serviceLevel).toBeCloseTo(0.846, 3);
  });

  it('a queue with no more agents than Erlangs never catches up; no calls need no agents', () => {
    expect(erlangC(10, 10)).toBe(1);
    const overloaded = erlangCPrediction(helper, 10);
    expect(overloaded).toMatchObject({ serviceLevel: 0, averageSpeedOfAnswer: Infinity });
    expect(agentsNeeded({ ...helper, arrivalsPerSecond: 0 }, { serviceLevel: 0.8 })?.agents).toBe(0);
  });

  it('refuses nonsense input with a message naming it', () => {
    expect(() => erlangCPrediction({ ...helper, handleSeconds: -1 }, 3)).toThrow(/handleSeconds/);
    expect(() => erlangCPrediction(helper, 2.5)).toThrow(/agents/);
    expect(() => agentsNeeded(helper, { serviceLevel: 1.2 })).toThrow(/target service level/);
  });
});

describe('Erlang A (M/M/N+M)', () => {
  const base = { arrivalsPerSecond: 100 / 1800, handleSeconds: 180, withinSeconds: 20 };

  it('is Erlang C when callers (almost) never give up', () => {
    const c = erlangCPrediction(base, 13);
    const a = erlangAPrediction({ ...base, patienceSeconds: 1e9 }, 13);
    expect(a.waitProbability).toBeCloseTo(c.waitProbability, 6);
    expect(a.serviceLevel).toBeCloseTo(c.serviceLevel, 6);
    expect(a.averageSpeedOfAnswer).toBeCloseTo(c.averageSpeedOfAnswer, 4);
    expect(a.abandonRate).toBeLessThan(1e-6);
  });

  it('with patience equal to handle time the callers in the system are Poisson(A) (an M/M/∞ identity)', () => {
    const erlangs = 10;
    const agents = 9;
    const a = erlangAPrediction({ ...base, patienceSeconds: base.handleSeconds }, agents);
    const poisson = (k: number) => Math.exp(-erlangs + k * Math.log(erlangs) - logFactorial(k));
    let atLeastN = 0;
    let excess = 0;
    for (let k = agents; k < 200; k++) {
      atLeastN += poisson(k);
      excess += (k - agents) * poisson(k);
    }
    expect(a.waitProbability).toBeCloseTo(atLeastN, 9);
    // Abandonment rate θ·E[(L−N)+] / λ, with θ = μ: E[(L−N)+] / A.
    expect(a.abandonRate).toBeCloseTo(excess / erlangs, 9);
  });

  it('agrees with a simulation of 200,000 impatient callers (service level, abandonment, ASA)', () => {
    const agents = 10;
    const patienceSeconds = 120;
    const model = erlangAPrediction({ ...base, patienceSeconds }, agents);
    const simulated = simulate({ lambda: base.arrivalsPerSecond, mu: 1 / base.handleSeconds, theta: 1 / patienceSeconds, agents, within: 20, callers: 200_000 });
    expect(Math.abs(model.serviceLevel - simulated.serviceLevel)).toBeLessThan(0.01);
    expect(Math.abs(model.abandonRate - simulated.abandonRate)).toBeLessThan(0.01);
    expect(Math.abs(model.averageSpeedOfAnswer - simulated.asa)).toBeLessThan(1);
    // Impatient callers need fewer agents than Erlang C says for the same target.
    expect(agentsNeeded({ ...base, patienceSeconds }, { serviceLevel: 0.8 })!.agents).toBeLessThanOrEqual(14);
  });
});

function logFactorial(n: number): number {
  let sum = 0;
  for (let k = 2; k <= n; k++) sum += Math.log(k);
  return sum;
}

/** FIFO M/M/N+M: each caller takes the first agent to come free, unless their patience runs out first. */
function simulate(o: { lambda: number; mu: number; theta: number; agents: number; within: number; callers: number }) {
  let state = 0x9e3779b9;
  const random = () => {
    // mulberry32: a seeded generator good enough for a queue simulation.
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const exp = (rate: number) => -Math.log(1 - random()) / rate;
  const free = new Array<number>(o.agents).fill(0);
  let now = 0;
  let within = 0;
  let abandoned = 0;
  let answered = 0;
  let waited = 0;
  for (let i = 0; i < o.callers; i++) {
    now += exp(o.lambda);
    let first = 0;
    for (let a = 1; a < o.agents; a++) if (free[a]! < free[first]!) first = a;
    const wait = Math.max(0, free[first]! - now);
    if (wait > exp(o.theta)) {
      abandoned++;
      continue;
    }
    answered++;
    waited += wait;
    if (wait <= o.within) within++;
    free[first] = now + wait + exp(o.mu);
  }
  return { serviceLevel: within / o.callers, abandonRate: abandoned / o.callers, asa: waited / answered };
}
