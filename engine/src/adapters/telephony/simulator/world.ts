import { z } from 'zod';
import { callerActionSchema } from './caller-action.js';

/** A far end that answers, and what it does then (an agent answering, talking, maybe transferring the caller from their phone). */
export const farEndSchema = z.strictObject({
  /** Rings this long, then answers (default 3 s); past the ring timeout it is no answer. */
  answerAfterSeconds: z.number().min(0).max(3_600).optional(),
  /** Talks this long once connected, then hangs up (default 60 s). */
  talkSeconds: z.number().min(0).max(86_400).optional(),
  /** After talking, transfers the caller from the phone (SIP REFER) to this address instead of hanging up. */
  referTo: z.string().regex(/^sips?:\S+$/, 'expected a sip: or sips: address').optional(),
  /** What the far end does when the engine places a call to it and it answers (a resident called back presses 1). */
  actions: z.array(callerActionSchema).max(100).optional(),
});

export type FarEnd = z.output<typeof farEndSchema>;

/** How the outside world answers in a simulated call. Everything left out answers the friendly way. */
export const worldSchema = z.strictObject({
  /** Destination string as written in node params (sip:…, tel:…, teams:…, agent:…) → how it answers (default answer). */
  destinations: z.record(z.string(), z.union([z.enum(['answer', 'busy', 'noAnswer', 'failed']), farEndSchema])).default({}),
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
