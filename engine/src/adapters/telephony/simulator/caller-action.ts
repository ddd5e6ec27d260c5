import { z } from 'zod';

/**
 * One thing a simulated caller does. press/say/silence are taken when the flow next waits for the
 * caller (a press during a barge-in prompt interrupts it); wait lets seconds pass; hangup ends the call
 * wherever it is.
 */
export const callerActionSchema = z.union([
  z.strictObject({ press: z.string().regex(/^[0-9*#]+$/, 'must be keys 0-9, * or #') }),
  z.strictObject({
    say: z.string().min(1, 'must not be empty'),
    /** How sure the recogniser is of the words (0–1), to test doubtful recognitions; default the text recogniser's. */
    confidence: z.number().min(0, 'must be 0 to 1').max(1, 'must be 0 to 1').optional(),
  }),
  z.strictObject({ silence: z.literal(true) }),
  z.strictObject({ wait: z.number().positive('must be more than 0 seconds').max(86_400) }),
  z.strictObject({ hangup: z.literal(true) }),
]);

export type CallerAction = z.output<typeof callerActionSchema>;

/** What the caller gives the flow when it asks (the actions that are consumed by an input wait). */
export type CallerInput =
  | { press: string }
  | { say: string; confidence?: number | undefined }
  /** Live calls: real speech (the designer's microphone), 16-bit mono PCM as a phone line delivers it. */
  | { audio: Uint8Array; sampleRateHz: number }
  | { silence: true };

/** One line typed at a terminal or piped in: `press 1`, `say I have fallen`, `silence`, `wait 10`, `hangup`. */
export function parseCallerLine(line: string): { ok: true; action: CallerAction } | { ok: false; message: string } | { ok: 'blank' } {
  const trimmed = line.trim();
  if (trimmed === '' || trimmed.startsWith('#')) return { ok: 'blank' };
  const space = trimmed.search(/\s/);
  const verb = (space < 0 ? trimmed : trimmed.slice(0, space)).toLowerCase();
  const rest = space < 0 ? '' : trimmed.slice(space + 1).trim();
  const candidate =
    verb === 'press'
      ? { press: rest.replace(/\s+/g, '') }
      : verb === 'say'
        ? { say: rest }
        : verb === 'wait'
          ? { wait: Number(rest) }
          : verb === 'silence'
            ? { silence: true }
            : verb === 'hangup'
              ? { hangup: true }
              : undefined;
  if (!candidate) return { ok: false, message: `"${trimmed}": expected press <keys>, say <words>, silence, wait <seconds> or hangup` };
  const parsed = callerActionSchema.safeParse(candidate);
  if (!parsed.success) return { ok: false, message: `"${trimmed}": ${verb} ${parsed.error.issues[0]?.message ?? 'is not valid'}` };
  return { ok: true, action: parsed.data };
}
