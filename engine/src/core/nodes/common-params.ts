import { z } from 'zod';

/** Params shared by several node kinds. */

/** A call variable's name, as {{templates}} refer to it. */
export const variableName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_.]{0,63}$/, 'must be a variable name: a letter or _, then letters, digits, _ or .');

/** An outcome name chosen by the designer (a handle on the node, an edge's outcome). */
export const outcomeName = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1–64 letters, digits, _ or -');

/** A phone key. (Forms list keys in keypad order, 1 … 9, 0, *, #: see the designer's choiceOrder.) */
export const digitKey = z.enum(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '#']);

/** Milliseconds: only for the definitions of earlier node versions, kept whole so old flows keep running. */
export const durationMs = (description: string, defaultMs: number, min = 500, max = 60_000) =>
  z.number().int().min(min).max(max).default(defaultMs).describe(description);

/** A wait in seconds (fractions allowed), bounded to something sane for a phone call. */
export const durationSeconds = (title: string, description: string, defaultSeconds: number, min: number, max: number) =>
  z.number().min(min).max(max).default(defaultSeconds).meta({ title }).describe(description);

/** Seconds as the ports take them (milliseconds). */
export const ms = (seconds: number): number => Math.round(seconds * 1000);

/**
 * Upgrade for node versions whose waits moved from milliseconds to seconds: renames each `…Ms` key to its
 * `…Seconds` key, dividing numbers by 1000 (anything else is kept as written, for the new field's check to
 * report).
 */
export function msToSeconds(renames: Readonly<Record<string, string>>) {
  return (params: Record<string, unknown>): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(params)) {
      const renamed = renames[key];
      if (renamed === undefined) out[key] = value;
      else out[renamed] = typeof value === 'number' ? value / 1000 : value;
    }
    return out;
  };
}

/** How many more times the caller is asked before the node gives up. */
export const retries = (description: string, defaultCount = 2) =>
  z.number().int().min(0).max(5).default(defaultCount).describe(description);

/** Names appearing more than once. */
export function duplicates(names: readonly string[]): string[] {
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const n of names) (seen.has(n) ? repeated : seen).add(n);
  return [...repeated];
}
