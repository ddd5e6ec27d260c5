/**
 * Staffing models for one interval of a queue: Erlang C (M/M/N: callers wait as long as it takes) and
 * Erlang A (M/M/N+M: callers give up after an exponentially distributed patience). Pure arithmetic on
 * figures the history has already measured in SQL (arrivals, handle time, patience): nothing here
 * counts rows.
 *
 * The Erlang C formulas themselves are the ACD's (queue/erlang-c.ts, which the ACD bench judges itself by).
 *
 * Units: seconds throughout. `arrivalsPerSecond` is λ, `handleSeconds` is 1/μ, `patienceSeconds` is 1/θ.
 */

import { averageSpeedOfAnswer, erlangC, serviceLevel } from '../queue/erlang-c.js';

export interface StaffingInput {
  arrivalsPerSecond: number;
  handleSeconds: number;
  /** Service-level threshold: "answered within T seconds". */
  withinSeconds: number;
}

export interface Prediction {
  agents: number;
  /** Offered load in Erlangs (λ / μ). */
  erlangs: number;
  /** Share of callers who wait at all (0..1). */
  waitProbability: number;
  /** Share of all callers answered within the threshold (0..1). */
  serviceLevel: number;
  /** Mean wait of the callers who are answered (seconds). Infinity when the queue cannot keep up. */
  averageSpeedOfAnswer: number;
  /** Share of callers who give up while waiting (0 in Erlang C). */
  abandonRate: number;
  /** Agents' busy share (0..1). */
  occupancy: number;
}

function checkInput(input: StaffingInput, agents: number): void {
  for (const [name, value] of Object.entries(input)) {
    if (!Number.isFinite(value) || value < 0) throw new RangeError(`${name} must be a finite number ≥ 0, got ${value}`);
  }
  if (!Number.isInteger(agents) || agents < 0) throw new RangeError(`agents must be a whole number ≥ 0, got ${agents}`);
}

/** Erlang C prediction for `agents` agents. */
export function erlangCPrediction(input: StaffingInput, agents: number): Prediction {
  checkInput(input, agents);
  const erlangs = input.arrivalsPerSecond * input.handleSeconds;
  if (erlangs === 0) return { agents, erlangs, waitProbability: 0, serviceLevel: 1, averageSpeedOfAnswer: 0, abandonRate: 0, occupancy: 0 };
  if (agents <= erlangs) {
    return { agents, erlangs, waitProbability: 1, serviceLevel: 0, averageSpeedOfAnswer: Infinity, abandonRate: 0, occupancy: 1 };
  }
  return {
    agents,
    erlangs,
    waitProbability: erlangC(agents, erlangs),
    serviceLevel: serviceLevel(agents, erlangs, input.handleSeconds, input.withinSeconds),
    averageSpeedOfAnswer: averageSpeedOfAnswer(agents, erlangs, input.handleSeconds),
    abandonRate: 0,
    occupancy: erlangs / agents,
  };
}

/**
 * Erlang A (Palm's M/M/N+M) for `agents` agents and a mean patience, solved on the birth–death chain
 * of callers in the system (truncated where the remaining probability is below 1e-13). The wait of a
 * caller who finds j callers ahead is followed phase by phase: ahead of them callers leave at rate
 * Nμ + iθ while they themselves give up at rate θ; the chance to be answered within T comes from that
 * chain by uniformisation.
 */
export function erlangAPrediction(input: StaffingInput & { patienceSeconds: number }, agents: number): Prediction {
  const { patienceSeconds, ...rest } = input;
  checkInput(rest, agents);
  if (!(patienceSeconds > 0) || !Number.isFinite(patienceSeconds)) {
    if (patienceSeconds === Infinity) return erlangCPrediction(rest, agents);
    throw new RangeError(`patienceSeconds must be a number > 0, got ${patienceSeconds}`);
  }
  const lambda = input.arrivalsPerSecond;
  const mu = 1 / input.handleSeconds;
  const theta = 1 / patienceSeconds;
  const erlangs = lambda / mu;
  if (erlangs === 0) return { agents, erlangs, waitProbability: 0, serviceLevel: 1, averageSpeedOfAnswer: 0, abandonRate: 0, occupancy: 0 };
  if (agents === 0) {
    return { agents, erlangs, waitProbability: 1, serviceLevel: 0, averageSpeedOfAnswer: Infinity, abandonRate: 1, occupancy: 0 };
  }

  // Unnormalised state probabilities, in logs so large loads do not overflow.
  const logTerms: number[] = [0];
  for (let k = 1; ; k++) {
    const death = Math.min(k, agents) * mu + Math.max(k - agents, 0) * theta;
    logTerms.push(logTerms[k - 1]! + Math.log(lambda / death));
    if (k > agents && logTerms[k]! < logTerms[agents]! - 30 && logTerms[k]! < logTerms[k - 1]!) break;
    if (k > agents + 1_000_000) throw new RangeError('Erlang A: the state space did not converge');
  }
  const top = Math.max(...logTerms);
  const weights = logTerms.map((l) => Math.exp(l - top));
  const total = weights.reduce((a, b) => a + b, 0);
  const pi = weights.map((w) => w / total);

  let waitProbability = 0;
  let queued = 0;
  let answeredWait = 0;
  let answered = 0;
  const ahead: number[] = [];
  for (let k = agents; k < pi.length; k++) {
    const j = k - agents;
    waitProbability += pi[k]!;
    queued += j * pi[k]!;
    ahead.push(pi[k]!);
  }
  // A caller finding j ahead is answered with probability Nμ / (Nμ + (j+1)θ) (the product telescopes), after phases of rate Nμ + (i+1)θ.
  let phaseMeans = 0;
  for (let j = 0; j < ahead.length; j++) {
    phaseMeans += 1 / (agents * mu + (j + 1) * theta);
    const served = (agents * mu) / (agents * mu + (j + 1) * theta);
    answered += ahead[j]! * served;
    answeredWait += ahead[j]! * served * phaseMeans;
  }
  const noWait = 1 - waitProbability;
  const abandonRate = (theta * queued) / lambda;
  const servedWithin = servedWithinT(ahead, agents * mu, theta, input.withinSeconds);
  const busy = pi.reduce((sum, p, k) => sum + p * Math.min(k, agents), 0);
  return {
    agents,
    erlangs,
    waitProbability,
    serviceLevel: noWait + servedWithin,
    averageSpeedOfAnswer: answered + noWait > 0 ? answeredWait / (answered + noWait) : 0,
    abandonRate,
    occupancy: busy / agents,
  };
}

/**
 * P(answered within t, having waited) for callers arriving with j ahead with probability `ahead[j]`: the
 * pure-death chain "callers ahead" (rate serviceRate + iθ down a step, served from 0) with the caller's
 * own abandonment at rate θ, by uniformisation (Poisson weights until the tail is below 1e-12).
 */
function servedWithinT(ahead: readonly number[], serviceRate: number, theta: number, t: number): number {
  const J = ahead.length;
  if (J === 0 || t <= 0) return 0;
  const uniform = serviceRate + J * theta + theta;
  let p = ahead.slice();
  let served = 0;
  const lt = uniform * t;
  // Poisson(n; Λt) in logs.
  let logWeight = -lt;
  let cumulativeWeight = 0;
  let result = 0;
  for (let n = 0; ; n++) {
    if (n > 0) logWeight += Math.log(lt / n);
    const weight = Math.exp(logWeight);
    result += weight * served;
    cumulativeWeight += weight;
    if (n > lt && 1 - cumulativeWeight < 1e-12) break;
    if (n > lt + 50 * Math.sqrt(lt + 1) + 1000) break;
    const next = new Array<number>(J).fill(0);
    for (let j = 0; j < J; j++) {
      const mass = p[j]!;
      if (mass === 0) continue;
      const forward = (serviceRate + j * theta) / uniform;
      const giveUp = theta / uniform;
      if (j === 0) served += mass * forward;
      else next[j - 1]! += mass * forward;
      next[j]! += mass * (1 - forward - giveUp);
    }
    p = next;
  }
  // The tail beyond the last term contributes at most its weight times `served` ≤ 1.
  return result + (1 - cumulativeWeight) * served;
}

export interface StaffingTarget {
  /** Share answered within the threshold to reach (0..1), e.g. 0.8 for 80 % in 20 s. */
  serviceLevel: number;
  /** At most this many agents are tried (default 1,000). */
  maxAgents?: number;
}

/** The fewest agents that reach the target service level, with that staffing's prediction; undefined if none up to maxAgents does. */
export function agentsNeeded(
  input: StaffingInput & { patienceSeconds?: number },
  target: StaffingTarget,
): Prediction | undefined {
  if (!(target.serviceLevel >= 0 && target.serviceLevel < 1)) throw new RangeError(`target service level must be at least 0 and below 1, got ${target.serviceLevel}`);
  const predict = (n: number) =>
    input.patienceSeconds === undefined ? erlangCPrediction(input, n) : erlangAPrediction({ ...input, patienceSeconds: input.patienceSeconds }, n);
  const erlangs = input.arrivalsPerSecond * input.handleSeconds;
  if (erlangs === 0) return predict(0);
  const max = target.maxAgents ?? 1_000;
  // Erlang C needs more agents than Erlangs; both models' service level rises with every agent added.
  for (let n = Math.max(1, input.patienceSeconds === undefined ? Math.floor(erlangs) + 1 : 1); n <= max; n++) {
    const prediction = predict(n);
    if (prediction.serviceLevel >= target.serviceLevel) return prediction;
  }
  return undefined;
}
