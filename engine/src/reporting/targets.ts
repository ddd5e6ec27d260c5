/**
 * What a queue's figures are judged against: its service-level thresholds, short-abandon time and the
 * targets the wallboard colours by — the queue's settings.serviceLevel, read through the ACD's one
 * settings schema (queue/queue-settings.ts), which also holds the defaults. History stays readable for a
 * queue whose stored service level is not valid: it is judged by the defaults.
 */
import type { JsonObject } from '../ports/store.js';
import { DEFAULT_QUEUE_SETTINGS, queueSettingsSchema, targetPercentsOf } from '../queue/queue-settings.js';

export interface QueueTargets {
  thresholds: number[];
  shortAbandonSeconds: number;
  /** Percent answered within each threshold to reach, in the order of `thresholds`. */
  targetPercents: number[];
  abandonedTargetPercent: number;
}

export const DEFAULT_THRESHOLDS = DEFAULT_QUEUE_SETTINGS.serviceLevel.answeredWithinSeconds;
export const DEFAULT_SHORT_ABANDON_SECONDS = DEFAULT_QUEUE_SETTINGS.serviceLevel.shortAbandonSeconds;

/** The queue's targets (the defaults when it has none, or its service level is not valid). */
export function queueTargets(settings: JsonObject | undefined): QueueTargets {
  const parsed = queueSettingsSchema.shape.serviceLevel.safeParse(settings?.serviceLevel);
  const level = parsed.success ? parsed.data : DEFAULT_QUEUE_SETTINGS.serviceLevel;
  return {
    thresholds: level.answeredWithinSeconds,
    shortAbandonSeconds: level.shortAbandonSeconds,
    targetPercents: targetPercentsOf(level),
    abandonedTargetPercent: level.abandonedTargetPercent,
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
