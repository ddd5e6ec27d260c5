/** What one bench:sip run found, and the arithmetic on it (percentiles, clean rates). */
import type { AppKind } from './apps.js';
import type { SippRun } from './sipp.js';

export interface Cpu {
  /** % of one core during the run. */
  engine?: number;
  freeswitch?: number;
  drachtio?: number;
}

export interface LoadResult {
  app: AppKind;
  /** New calls per second offered. */
  rate: number;
  run: number;
  /** 1-minute load average when the run started. */
  loadAverage: number;
  offered: number;
  completed: number;
  /** Final responses by status ("none": no final response at all). */
  statuses: Record<string, number>;
  answerMs: number[];
  /** Non-2xx final responses: time to the response, and whether it carried Retry-After. */
  refusals: { status: number; ms: number; retryAfter: boolean }[];
  dtmfToPromptMs: number[];
  cpu: Cpu;
  /** The app's resident memory (MiB) as the measured load began, and its highest during it. */
  rss?: { startMiB?: number; peakMiB?: number };
  wallSeconds: number;
  /** The app's process ended during the run. */
  crashed: boolean;
}

export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export const median = (values: readonly number[]): number | undefined => percentile(values, 50);

export function summarise(
  base: Omit<LoadResult, 'offered' | 'completed' | 'statuses' | 'answerMs' | 'refusals'>,
  sipp: SippRun,
): LoadResult {
  const statuses: Record<string, number> = {};
  for (const call of sipp.calls) statuses[String(call.status)] = (statuses[String(call.status)] ?? 0) + 1;
  const none = sipp.offered - sipp.calls.length;
  if (none > 0) statuses.none = none;
  return {
    ...base,
    offered: sipp.offered,
    completed: sipp.calls.filter((c) => c.completed).length,
    statuses,
    answerMs: sipp.calls.filter((c) => c.status === 200 && c.finalMs !== undefined).map((c) => c.finalMs!),
    refusals: sipp.calls.filter((c) => c.status !== 200 && c.finalMs !== undefined).map((c) => ({ status: c.status!, ms: c.finalMs!, retryAfter: c.retryAfter === true })),
  };
}

export const failed = (r: LoadResult): number => r.offered - r.completed;

/** CPU ms per offered call of one process, from its % of one core over the run's wall time. */
export function cpuMsPerCall(r: LoadResult, process: keyof Cpu): number | undefined {
  const percent = r.cpu[process];
  return percent === undefined || r.offered === 0 ? undefined : (percent / 100) * r.wallSeconds * 1000 / r.offered;
}

/** The highest rate at which every run of `app` completed every call. */
export function cleanRate(results: readonly LoadResult[], app: AppKind): number | undefined {
  const byRate = new Map<number, LoadResult[]>();
  for (const r of results.filter((x) => x.app === app)) byRate.set(r.rate, [...(byRate.get(r.rate) ?? []), r]);
  let best: number | undefined;
  for (const [rate, runs] of byRate) if (runs.every((r) => failed(r) === 0 && !r.crashed) && (best === undefined || rate > best)) best = rate;
  return best;
}

/** The app's resident memory each call held at once added (MiB): (peak − start) / calls offered; for the held-calls run. */
export function rssMiBPerCall(r: LoadResult): number | undefined {
  const { startMiB, peakMiB } = r.rss ?? {};
  return startMiB === undefined || peakMiB === undefined || r.offered === 0 ? undefined : (peakMiB - startMiB) / r.offered;
}
