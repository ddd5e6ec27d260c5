import { z } from 'zod';

/** How the outside world answers in a simulated call. Everything left out answers the friendly way. */
export const worldSchema = z.strictObject({
  /** Destination string as written in node params → how it answers (default answer). */
  destinations: z.record(z.string(), z.enum(['answer', 'busy', 'noAnswer', 'failed'])).default({}),
  /** Queue id → how it behaves (default: an agent answers after 10 s). */
  queues: z
    .record(
      z.string(),
      z.union([
        z.strictObject({ answerAfterSeconds: z.number().min(0).max(86_400) }),
        z.enum(['full', 'closed', 'noAgents']),
      ]),
    )
    .default({}),
  /**
   * How the (fake) Pay360 behaves. `card` (default): its payment line asks for a card and the card keyed
   * decides (test-cards.ts: any valid card is approved but the listed decline cards); `paid`, `declined`,
   * `abandoned`: the line says so without asking for a card; `error`: it refuses to start a payment;
   * `unreachable`, `slow`: its API cannot be reached, or answers too late. Older worlds' `cancelled` and
   * `failed` mean `abandoned` and `error`.
   */
  payments: z
    .preprocess(
      (value) => (value === 'cancelled' ? 'abandoned' : value === 'failed' ? 'error' : value),
      z.enum(['card', 'paid', 'declined', 'abandoned', 'error', 'unreachable', 'slow']),
    )
    .default('card'),
  /** URL → its answer; an unlisted URL is unreachable. */
  http: z
    .record(
      z.string(),
      z.union([
        z.strictObject({ status: z.number().int().min(100).max(599), body: z.unknown().optional() }),
        z.enum(['timeout', 'unreachable']),
      ]),
    )
    .default({}),
  /**
   * `text`: what the caller says is exactly the transcript. `unavailable`: the speech service cannot be
   * reached (as when Google is down), so speech nodes fall back to the keypad.
   */
  recognizer: z.enum(['text', 'unavailable']).default('text'),
});

export type World = z.output<typeof worldSchema>;
export type WorldInput = z.input<typeof worldSchema>;

export const defaultWorld = (): World => worldSchema.parse({});

/** A world written over another: maps are merged key by key, plain values replaced. */
export function mergeWorlds(base: WorldInput | undefined, over: WorldInput | undefined): WorldInput {
  const a = base ?? {};
  const b = over ?? {};
  return {
    destinations: { ...a.destinations, ...b.destinations },
    queues: { ...a.queues, ...b.queues },
    http: { ...a.http, ...b.http },
    ...((b.payments ?? a.payments) ? { payments: b.payments ?? a.payments } : {}),
    ...((b.recognizer ?? a.recognizer) ? { recognizer: b.recognizer ?? a.recognizer } : {}),
  };
}
