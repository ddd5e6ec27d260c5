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

/** When a world names no behaviour for a queue, its one simulated agent is free this long into the first caller's wait. */
export const DEFAULT_ANSWER_AFTER_SECONDS = 10;
/** How long a simulated agent's phone rings before they answer, and how long they talk. */
export const DEFAULT_AGENT_RING_SECONDS = 3;
export const DEFAULT_AGENT_TALK_SECONDS = 60;

/** A simulated agent serving one queue in a test call, flow test or bench. */
export const simulatedAgentSchema = z.strictObject({
  id: z
    .string()
    .regex(/^(?!.*--)[A-Za-z0-9_.-]{1,40}$/, 'letters, digits, _ . - (at most 40, no --)')
    .optional()
    .describe('Default simulated-agent-<queue>-<n>'),
  name: z.string().min(1).max(100).optional(),
  skills: z
    .record(z.string().min(1).max(40), z.number().int().min(1).max(10))
    .optional()
    .describe('Skill → level; left out, the agent has whatever skills the queue’s first caller needs'),
  availableAfterSeconds: z.number().min(0).max(86_400).default(0).describe('Free this long into the first caller’s wait in the queue (on a break before)'),
  answers: z
    .enum(['answer', 'busy', 'noAnswer', 'reject', 'fail'])
    .default('answer')
    .describe('answer after ringing; busy at once; never answer; reject while ringing; their line fails'),
  ringSeconds: z.number().min(0).max(300).default(DEFAULT_AGENT_RING_SECONDS).describe('Rings this long before answering (or rejecting)'),
  talkSeconds: z.number().min(1).max(86_400).default(DEFAULT_AGENT_TALK_SECONDS).describe('Talks this long, then hangs up'),
});
export type SimulatedAgentSpec = z.output<typeof simulatedAgentSchema> & { id: string; name: string; queueId: string };

/** How the outside world answers in a simulated call. Everything left out answers the friendly way. */
export const worldSchema = z.strictObject({
  /** Destination string as written in node params (sip:…, tel:…, teams:…, agent:…) → how it answers (default answer). */
  destinations: z.record(z.string(), z.union([z.enum(['answer', 'busy', 'noAnswer', 'failed']), farEndSchema])).default({}),
  /**
   * Queue id → its simulated agents (default: one, free 10 s into the wait, who answers): `answerAfterSeconds`
   * for that one agent free later; `agents` for several, each answering their own way, with queue
   * `settings` changed for the test and the queue `closed`; or `full`, `closed`, `noAgents` outright.
   */
  queues: z
    .record(
      z.string(),
      z.union([
        z.strictObject({ answerAfterSeconds: z.number().min(0).max(86_400) }),
        z.strictObject({
          agents: z.array(simulatedAgentSchema).max(50),
          settings: z.record(z.string(), z.unknown()).optional().describe('Queue settings changed for the test (see the Queues screen)'),
          closed: z.boolean().optional(),
        }),
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

/** The simulated agents serving `queueId` in this world. */
export function simulatedAgentsOf(world: World, queueId: string): SimulatedAgentSpec[] {
  const behaviour = world.queues[queueId];
  const one = (availableAfterSeconds: number): SimulatedAgentSpec[] => [
    { ...simulatedAgentSchema.parse({ availableAfterSeconds }), id: `simulated-agent-${queueId}`, name: `Simulated agent (${queueId})`, queueId },
  ];
  if (behaviour === undefined || behaviour === 'full' || behaviour === 'closed') return one(DEFAULT_ANSWER_AFTER_SECONDS);
  if (behaviour === 'noAgents') return [];
  if ('answerAfterSeconds' in behaviour) return one(behaviour.answerAfterSeconds);
  return behaviour.agents.map((agent, i) => ({
    ...agent,
    id: agent.id ?? `simulated-agent-${queueId}-${i + 1}`,
    name: agent.name ?? `Simulated agent ${i + 1} (${queueId})`,
    queueId,
  }));
}

/** A simulated agent of this world by id (an id may carry a realm's tag after `--`), for the simulator ringing them. */
export function simulatedAgent(world: World, agentId: string): SimulatedAgentSpec | undefined {
  const id = agentId.replace(/--[A-Za-z0-9]+$/, '');
  for (const queueId of Object.keys(world.queues)) {
    const found = simulatedAgentsOf(world, queueId).find((a) => a.id === id);
    if (found) return found;
  }
  return undefined;
}
