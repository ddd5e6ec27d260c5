/**
 * What a queue's figures are judged against: its service-level thresholds and short-abandon time (the
 * queue's settings.serviceLevel, owned by the ACD's queue settings), and the targets the wallboard colours
 * by. Targets are read from settings.serviceLevel.targetPercents / abandonedTargetPercent when the queue
 * has them; otherwise 80 % for the first threshold, 95 % for the others, and at most 5 % abandoned.
 */
import type { JsonObject } from '../ports/store.js';

export interface QueueTargets {
  thresholds: number[];
  shortAbandonSeconds: number;
  /** Percent answered within each threshold to reach, in the order of `thresholds`. */
  targetPercents: number[];
  abandonedTargetPercent: number;
}

export const DEFAULT_THRESHOLDS = [20, 180];
export const DEFAULT_SHORT_ABANDON_SECONDS = 5;

const wholeSeconds = (v: unknown, min: number, max: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
const percent = (v: unknown): v is number => typeof v === 'number' && v >= 0 && v <= 100;

/** The queue's targets; whatever is missing or unreadable in its settings takes the default. */
export function queueTargets(settings: JsonObject | undefined): QueueTargets {
  const level = (settings?.serviceLevel ?? {}) as Record<string, unknown>;
  const given = Array.isArray(level.answeredWithinSeconds) ? level.answeredWithinSeconds.filter((t) => wholeSeconds(t, 1, 3600)) : [];
  const thresholds = given.length > 0 ? given.slice(0, 4) : DEFAULT_THRESHOLDS;
  const targets = Array.isArray(level.targetPercents) ? level.targetPercents : [];
  return {
    thresholds,
    shortAbandonSeconds: wholeSeconds(level.shortAbandonSeconds, 0, 120) ? level.shortAbandonSeconds : DEFAULT_SHORT_ABANDON_SECONDS,
    targetPercents: thresholds.map((_, i) => (percent(targets[i]) ? targets[i] : i === 0 ? 80 : 95)),
    abandonedTargetPercent: percent(level.abandonedTargetPercent) ? level.abandonedTargetPercent : 5,
  };
}

/** How a figure stands against its target: met, close (within 5 points), or missed. */
export type Standing = 'met' | 'close' | 'missed' | 'none';

export function standingAtLeast(value: number | null, target: number): Standing {
  if (value === null) return 'none';
  return value >= target ? 'met' : value >= target - 5 ? 'close' : 'missed';
}

export function standingAtMost(value: number | null, target: number): Standing {
  if (value === null) return 'none';
  return value <= target ? 'met' : value <= target + 2 ? 'close' : 'missed';
}
