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

export const digitKey = z.enum(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '#']);

/** Milliseconds, bounded to something sane for a phone call. */
export const durationMs = (description: string, defaultMs: number, min = 500, max = 60_000) =>
  z.number().int().min(min).max(max).default(defaultMs).describe(description);

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
