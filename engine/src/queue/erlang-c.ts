/**
 * Erlang C: the textbook model of a queue of callers served by N agents — calls arriving at random
 * (Poisson), handle times exponential, nobody hanging up, first come first served. Used to judge the
 * ACD's measured service level (bench/acd-bench.ts) and available to forecasts.
 */

/** Probability a caller has to wait at all, with `agents` agents and `erlangs` of traffic (arrival rate × mean handle time). */
export function erlangC(agents: number, erlangs: number): number {
  if (!Number.isInteger(agents) || agents < 1) throw new RangeError(`agents must be a whole number of at least 1, not ${agents}`);
  if (!(erlangs >= 0)) throw new RangeError(`traffic must be at least 0 erlangs, not ${erlangs}`);
  if (erlangs >= agents) return 1;
  // Erlang B by its stable recurrence, then C from B.
  let b = 1;
  for (let n = 1; n <= agents; n++) b = (erlangs * b) / (n + erlangs * b);
  const occupancy = erlangs / agents;
  return b / (1 - occupancy * (1 - b));
}

/** Share of callers answered within `seconds`. */
export function serviceLevel(agents: number, erlangs: number, meanHandleSeconds: number, seconds: number): number {
  if (erlangs >= agents) return 0;
  return 1 - erlangC(agents, erlangs) * Math.exp((-(agents - erlangs) * seconds) / meanHandleSeconds);
}

/** Mean wait of all callers (average speed of answer), in seconds. */
export function averageSpeedOfAnswer(agents: number, erlangs: number, meanHandleSeconds: number): number {
  if (erlangs >= agents) return Number.POSITIVE_INFINITY;
  return (erlangC(agents, erlangs) * meanHandleSeconds) / (agents - erlangs);
}
