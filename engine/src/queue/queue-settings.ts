/**
 * A queue's settings (queues.settings), as ONE zod schema: the API validates with it, the designer's queue
 * form is generated from it (through the OpenAPI document), and the ACD reads stored settings through it
 * (defaults filled in). The service line and the opening hours (a stored schedule's id) are the queue's
 * own columns, not settings.
 */
import { z } from 'zod';
import { variableName } from '../core/nodes/common-params.js';
import { promptParam } from '../core/nodes/prompt.js';
import { NOT_SAFEGUARDING_PHRASES, SAFEGUARDING_PHRASES } from '../core/safeguarding-words.js';
import type { QueueSettings } from '../ports/queue.js';

/** What a threshold aims for when the queue names no targets: the first, then each of the others. */
export const DEFAULT_TARGET_PERCENTS = [80, 95] as const;

const id = z.string().min(1).max(64).regex(/^[A-Za-z0-9_.:-]+$/, 'may use only letters, digits, _ . : -');
const phraseList = z.array(z.string().trim().min(1).max(80)).max(200);
const key = z.enum(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '#']);

export const overflowTargetSchema = z
  .discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('none') }).describe('No overflow: the caller takes the queue node’s timeout (or no agents) exit'),
    z.strictObject({ kind: z.literal('queue'), queueId: id.describe('Queue the caller moves to, keeping the time they have waited').meta({ title: 'Queue', ref: 'queue' }) }),
    z.strictObject({ kind: z.literal('flow'), flowId: id.describe('Flow the caller is taken through (its published version)').meta({ title: 'Flow', ref: 'flow' }) }),
    z.strictObject({ kind: z.literal('voicemail') }).describe('The caller leaves a message: the queue node’s message exit'),
  ])
  .describe('Where callers go after the longest wait, or when nobody is logged in to answer')
  .meta({ title: 'Overflow' });

export const queueSettingsSchema = z
  .strictObject({
    maxWaitSeconds: z.number().int().min(10).max(7200).default(900).describe('Longest wait before the caller overflows (seconds)').meta({ title: 'Longest wait (seconds)' }),
    maxCallers: z.number().int().min(0).max(10_000).default(500).describe('Callers waiting at most; more find the queue full').meta({ title: 'Most callers waiting' }),
    overflow: overflowTargetSchema.default({ kind: 'none' }),
    priorityRules: z
      .array(
        z.strictObject({
          variable: variableName.describe('A call variable, e.g. "vulnerable" set by a speech node'),
          equals: z.union([z.string().max(200), z.number(), z.boolean()]).describe('The value that raises the priority'),
          priority: z.number().int().min(1).max(1000).describe('Priority when it matches (higher is served first)'),
        }).describe('Rule'),
      )
      .max(20)
      .default([])
      .describe('Callers whose variables match are served first; the highest matching priority wins'),
    treatment: z
      .strictObject({
        holdMusic: z.string().min(1).max(500).optional().describe('Music between announcements: a media server stream (local_stream://moh), a media path or URL; default the media server’s').meta({ title: 'Hold music' }),
        announceEverySeconds: z.number().int().min(10).max(600).default(45).describe('Seconds between announcements').meta({ title: 'Announce every (seconds)' }),
        announcePosition: z.boolean().default(true).describe('Tell callers their place in the queue').meta({ title: 'Announce the caller’s place' }),
        announceWait: z.boolean().default(true).describe('Tell callers how long they are likely to wait').meta({ title: 'Announce the expected wait' }),
        periodicMessages: z
          .array(
            z.strictObject({
              prompt: promptParam,
              everySeconds: z.number().int().min(10).max(3600).describe('Played once this long into the wait, and again every this long').meta({ title: 'Every (seconds)' }),
            }).describe('Message'),
          )
          .max(5)
          .default([])
          .describe('Messages played during the wait (e.g. "you can also report this online")'),
      })
      .default({ announceEverySeconds: 45, announcePosition: true, announceWait: true, periodicMessages: [] })
      .describe('What callers hear while they wait'),
    callback: z
      .strictObject({
        enabled: z.boolean().default(false).describe('Offer callers a call back instead of waiting').meta({ title: 'Offer a call back' }),
        offerAfterSeconds: z.number().int().min(0).max(3600).default(60).describe('Offered once the caller has waited this long').meta({ title: 'Offer after (seconds)' }),
        key: key.default('1').describe('Key the caller presses for a call back').meta({ title: 'Key for a call back' }),
        confirmNumber: z.boolean().default(true).describe('Read back the caller’s number and let them key another').meta({ title: 'Confirm the number' }),
        maxAttempts: z.number().int().min(1).max(10).default(3).describe('Times the caller is dialled before the call back fails').meta({ title: 'Attempts' }),
        retryAfterSeconds: z.number().int().min(30).max(86_400).default(300).describe('Wait between attempts (seconds)').meta({ title: 'Wait between attempts (seconds)' }),
      })
      .default({ enabled: false, offerAfterSeconds: 60, key: '1', confirmNumber: true, maxAttempts: 3, retryAfterSeconds: 300 })
      .describe('Call backs that keep the caller’s place'),
    messageKey: key.optional().describe('Key the caller presses to leave a message instead of waiting (the queue node’s message exit)').meta({ title: 'Key to leave a message' }),
    wrapUpSeconds: z.number().int().min(0).max(1800).default(30).describe('Time an agent has after each call before the next (seconds)').meta({ title: 'Wrap-up (seconds)' }),
    ringTimeoutSeconds: z.number().int().min(5).max(120).default(20).describe('How long an agent’s phone rings before the next agent is tried').meta({ title: 'Ring an agent for (seconds)' }),
    maxMissedOffers: z.number().int().min(1).max(20).default(3).describe('Offers an agent may miss in a row before they are put on break ("missed calls")').meta({ title: 'Missed offers before a break' }),
    recordCalls: z.boolean().default(false).describe('Record the conversation from the moment the agent answers').meta({ title: 'Record calls' }),
    whisper: z.boolean().default(true).describe('The agent hears the queue’s name before the caller is connected').meta({ title: 'Whisper the queue’s name' }),
    serviceLevel: z
      .strictObject({
        answeredWithinSeconds: z
          .array(z.number().int().min(1).max(3600).describe('Answered within (seconds)'))
          .min(1)
          .max(4)
          .default([20, 180])
          .describe('Service level thresholds: calls answered within each (e.g. 20 s and 3 minutes)')
          .meta({ title: 'Answered within (seconds)' }),
        shortAbandonSeconds: z.number().int().min(0).max(120).default(5).describe('Callers who hang up sooner are not counted as abandoned').meta({ title: 'Short abandon (seconds)' }),
        targetPercents: z
          .array(z.number().min(1).max(100).describe('Target (% answered within the threshold)'))
          .min(1)
          .max(4)
          .optional()
          .describe(
            `Percent of callers to answer within each threshold, in the same order (e.g. 80 within 20 s, 95 within 3 minutes); without them the first threshold aims for ${DEFAULT_TARGET_PERCENTS[0]} % and the others ${DEFAULT_TARGET_PERCENTS[1]} %`,
          )
          .meta({ title: 'Targets (%)' }),
        abandonedTargetPercent: z
          .number()
          .min(0)
          .max(100)
          .default(5)
          .describe('Abandoned callers (short abandons aside) should stay at or under this percent of the calls judged')
          .meta({ title: 'Abandoned at most (%)' }),
      })
      .superRefine((level, context) => {
        const targets = level.targetPercents;
        if (targets && targets.length !== level.answeredWithinSeconds.length) {
          const thresholds = level.answeredWithinSeconds.length;
          context.addIssue({ code: 'custom', path: ['targetPercents'], message: `needs one target per threshold: ${thresholds} threshold${thresholds === 1 ? '' : 's'}, ${targets.length} target${targets.length === 1 ? '' : 's'}` });
        }
      })
      .default({ answeredWithinSeconds: [20, 180], shortAbandonSeconds: 5, abandonedTargetPercent: 5 })
      .describe('How the queue’s figures are judged and what they should reach (reports and the wallboard colour by these)'),
    listening: z
      .strictObject({
        enabled: z.boolean().default(false).describe('Listen to callers while they wait: one who says a safeguarding phrase is served sooner').meta({ title: 'Listen for safeguarding words' }),
        phrases: phraseList.default([...SAFEGUARDING_PHRASES]).describe('Flagged words and phrases (any form of a word matches; a negated one, "I’m not hurt", does not)').meta({ title: 'Safeguarding words' }),
        notPhrases: phraseList.default([...NOT_SAFEGUARDING_PHRASES]).describe('Phrases that sound like harm but are not ("fallen behind" with a bill)').meta({ title: 'Not safeguarding' }),
        priority: z.number().int().min(1).max(1000).default(10).describe('Priority a caller who says them is raised to (higher is served first)').meta({ title: 'Raise to priority' }),
        minConfidence: z.number().min(0).max(1).default(0.5).describe('Words the recogniser is less sure of than this (0–1) are not acted on').meta({ title: 'Least confidence' }),
        confirmBelowConfidence: z
          .number()
          .min(0)
          .max(1)
          .default(0.8)
          .describe('Words heard with less confidence than this are confirmed first ("press 1 or say yes"), even below the least confidence; 0: never ask')
          .meta({ title: 'Confirm below confidence' }),
        maxSpeechSeconds: z.number().int().min(2).max(60).default(10).describe('Longest stretch of talk listened to at once').meta({ title: 'Longest talk (seconds)' }),
      })
      .prefault({})
      .describe('Listening while callers wait (where the media servers stream callers’ audio): safeguarding words said in the queue raise the caller’s priority'),
  })
  .describe('Queue settings');

export type QueueSettingsInput = z.input<typeof queueSettingsSchema>;

/** Stored settings with every default filled in; what is not valid is named (path: message). */
export function parseQueueSettings(stored: unknown): { ok: true; settings: QueueSettings } | { ok: false; problems: string[] } {
  const parsed = queueSettingsSchema.safeParse(stored ?? {});
  if (parsed.success) return { ok: true, settings: parsed.data };
  return { ok: false, problems: parsed.error.issues.map((i) => `${i.path.join('.') || '(settings)'}: ${i.message}`) };
}

/** Percent to answer within each of the queue's thresholds: its own targets, else the defaults. */
export function targetPercentsOf(level: QueueSettings['serviceLevel']): number[] {
  return level.answeredWithinSeconds.map((_, i) => level.targetPercents?.[i] ?? (i === 0 ? DEFAULT_TARGET_PERCENTS[0] : DEFAULT_TARGET_PERCENTS[1]));
}

/** The settings a queue has when nothing is stored. */
export const DEFAULT_QUEUE_SETTINGS: QueueSettings = queueSettingsSchema.parse({});

// The schema and the port's type are the same shape (the node, in core, knows only the port's type).
const sameShape: z.ZodType<QueueSettings, QueueSettingsInput> = queueSettingsSchema;
void sameShape;
