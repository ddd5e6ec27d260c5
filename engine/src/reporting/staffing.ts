/**
 * Staffing beside the history: for each half-hour with callers, the agents Erlang C and Erlang A say
 * the queue needed for its target, from the arrival rate, handle time and patience measured (in SQL) that
 * half-hour, with the wait and abandonment each model predicts at that staffing.
 */
import { agentsNeeded, type Prediction } from './erlang.js';
import type { PeriodFigures } from './history.js';

export interface StaffingRow {
  start: Date;
  offered: number;
  /** Measured: handle time (the period's, else the day's) and mean patience (time waited per caller who gave up). */
  handleSeconds: number | null;
  patienceSeconds: number | null;
  erlangs: number | null;
  erlangC: Pick<Prediction, 'agents' | 'serviceLevel' | 'averageSpeedOfAnswer' | 'waitProbability'> | null;
  erlangA: Pick<Prediction, 'agents' | 'serviceLevel' | 'averageSpeedOfAnswer' | 'abandonRate'> | null;
}

export interface StaffingTargetInput {
  withinSeconds: number;
  /** Percent, e.g. 80. */
  targetPercent: number;
}

const HALF_HOUR_SECONDS = 1800;

/** One row per half-hour of `halfHours` (history at half-hour granularity). */
export function staffing(halfHours: readonly PeriodFigures[], target: StaffingTargetInput): StaffingRow[] {
  const handled = halfHours.reduce((sum, h) => sum + h.handled, 0);
  const dayHandle = handled > 0 ? halfHours.reduce((sum, h) => sum + (h.aht ?? 0) * h.handled, 0) / handled : null;
  return halfHours.map((h) => {
    const handleSeconds = h.aht ?? dayHandle;
    // Every caller who gave up (short abandons too) against all the time callers spent waiting: the exponential patience's estimate.
    const gaveUp = h.abandoned + h.shortAbandoned;
    const patienceSeconds = gaveUp > 0 && h.queueTimeSum > 0 ? h.queueTimeSum / gaveUp : null;
    if (h.offered === 0 || handleSeconds === null || handleSeconds <= 0) {
      return { start: h.start, offered: h.offered, handleSeconds, patienceSeconds, erlangs: h.offered === 0 ? 0 : null, erlangC: null, erlangA: null };
    }
    const input = { arrivalsPerSecond: h.offered / HALF_HOUR_SECONDS, handleSeconds, withinSeconds: target.withinSeconds };
    const goal = { serviceLevel: Math.min(target.targetPercent, 99.9) / 100 };
    const c = agentsNeeded(input, goal);
    const a = agentsNeeded({ ...input, patienceSeconds: patienceSeconds ?? Infinity }, goal);
    return {
      start: h.start,
      offered: h.offered,
      handleSeconds,
      patienceSeconds,
      erlangs: input.arrivalsPerSecond * handleSeconds,
      erlangC: c ? { agents: c.agents, serviceLevel: c.serviceLevel, averageSpeedOfAnswer: c.averageSpeedOfAnswer, waitProbability: c.waitProbability } : null,
      erlangA: a ? { agents: a.agents, serviceLevel: a.serviceLevel, averageSpeedOfAnswer: a.averageSpeedOfAnswer, abandonRate: a.abandonRate } : null,
    };
  });
}
