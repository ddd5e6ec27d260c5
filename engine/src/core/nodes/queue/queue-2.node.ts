import { z } from 'zod';
import type { Destination, QueueInfo, QueueTicket } from '../../../ports/index.js';
import { parseDestination } from '../../destination.js';
import { variableName } from '../common-params.js';
import { defineNode, type NodeContext, type NodeResult } from '../define-node.js';
import { defaultedPrompt, spokenText, withValues } from '../prompt.js';
import { agreeCallbackNumber } from './callback-number.js';
import { numberIn } from './queue.node.js';
import { QUEUE_TEXT } from './queue-texts.js';
import { waitWithTicket, type WaitEnd, type WaitTreatment } from './wait-in-queue.js';

/** A caller moved from queue to queue (overflow, an agent's transfer) this many times is let go of. */
const MAX_MOVES = 5;
/** How long a number an agent transfers the caller to may ring. */
const TRANSFER_RING_MS = 30_000;

const params = z.strictObject({
  queueId: z.string().min(1).max(64).describe('Queue the caller waits in (its hours, treatment, overflow and callbacks are set on the Queues screen)'),
  priority: z.number().int().min(0).max(1000).default(0).describe('Priority when the variable below is not set (higher is served first)'),
  priorityVariable: variableName
    .optional()
    .describe('Variable holding the priority (e.g. "priority", set by a speech node for vulnerable callers); wins over the fixed priority'),
  skills: z
    .array(z.strictObject({ skill: z.string().min(1).max(40), level: z.number().int().min(1).max(10).default(1).describe('Lowest level that will do') }))
    .max(10)
    .default([])
    .describe('Skills the answering agent needs'),
  holdMusic: z.string().min(1).max(500).optional().describe('Music instead of the queue’s own'),
  announceEverySeconds: z.number().int().min(10).max(600).optional().describe('Seconds between announcements, instead of the queue’s own'),
  maxWaitSeconds: z.number().int().min(10).max(7200).optional().describe('Longest wait before overflow, instead of the queue’s own'),
  positionPrompt: defaultedPrompt('Said at each announcement; {{queuePosition}} is the caller’s place', QUEUE_TEXT.position),
  waitPrompt: defaultedPrompt('The expected wait; {{waitMinutes}} is in minutes', QUEUE_TEXT.wait),
  waitShortPrompt: defaultedPrompt('Said instead when the wait is under two minutes', QUEUE_TEXT.waitShort),
  callbackOfferPrompt: defaultedPrompt('The callback offer; {{callbackKey}} is its key', QUEUE_TEXT.callbackOffer),
  messageOfferPrompt: defaultedPrompt('The offer to leave a message; {{messageKey}} is its key', QUEUE_TEXT.messageOffer),
  confirmNumberPrompt: defaultedPrompt('Reads back the number to call; {{callbackNumber}} is it, digit by digit', QUEUE_TEXT.confirmNumber),
  enterNumberPrompt: defaultedPrompt('Asks for another number to call back', QUEUE_TEXT.enterNumber),
  callbackBookedPrompt: defaultedPrompt('The promise once the callback is booked', QUEUE_TEXT.callbackBooked),
  callbackNotBookedPrompt: defaultedPrompt('Said when no number was agreed and the caller waits on', QUEUE_TEXT.callbackNotBooked),
});
type Params = z.output<typeof params>;
type Context = NodeContext<Params>;

/** Where an agent's blind transfer (SIP REFER) sends the caller: `sip:queue.<id>@…` is a queue, `sip:agent.<id>@…` one agent, digits a number (refer-uri.ts writes them). */
export function referTarget(target: string): { kind: 'queue'; queueId: string } | { kind: 'destination'; destination: Destination } | { kind: 'unknown' } {
  const user = /^sips?:([^@;]+)@/i.exec(target.trim())?.[1] ?? (/^tel:(.+)$/i.exec(target.trim())?.[1] ?? '');
  const queue = /^queue[.-]([A-Za-z0-9_.:-]{1,64})$/.exec(user);
  if (queue) return { kind: 'queue', queueId: queue[1]! };
  const agent = /^agent[.-]([A-Za-z0-9_.:-]{1,64})$/.exec(user);
  if (agent) return { kind: 'destination', destination: { kind: 'agent', agentId: agent[1]! } };
  const number = user.replace(/[\s()-]/g, '');
  if (/^\+?\d{6,15}$/.test(number)) return { kind: 'destination', destination: { kind: 'number', e164: number } };
  const parsed = parseDestination(target);
  return parsed.ok ? { kind: 'destination', destination: parsed.destination } : { kind: 'unknown' };
}

/** The caller's treatment: the stored queue's, with what the node's params change. */
function treatmentOf(context: Context, queue: QueueInfo, ticket: QueueTicket): WaitTreatment {
  const { params, prompt } = context;
  const { settings } = queue;
  const callback = settings.callback.enabled ? settings.callback : undefined;
  let callbackOffered = false;
  return {
    holdMusic: params.holdMusic ?? settings.treatment.holdMusic,
    alwaysHold: true,
    announceEveryMs: (params.announceEverySeconds ?? settings.treatment.announceEverySeconds) * 1000,
    maxWaitMs: (params.maxWaitSeconds ?? settings.maxWaitSeconds) * 1000,
    ringTimeoutMs: settings.ringTimeoutSeconds * 1000,
    announcement: (status, waitedMs) => {
      const segments = [];
      if (settings.treatment.announcePosition) {
        segments.push(...prompt(withValues(params.positionPrompt, { queuePosition: status.position })));
        void ticket.note('position_announced', { position: status.position, ...(status.estimatedWaitMs === undefined ? {} : { estimatedWaitSeconds: Math.round(status.estimatedWaitMs / 1000) }) }).catch(() => undefined);
      }
      if (settings.treatment.announceWait && status.estimatedWaitMs !== undefined) {
        const minutes = Math.ceil(status.estimatedWaitMs / 60_000);
        segments.push(...prompt(minutes < 2 ? params.waitShortPrompt : withValues(params.waitPrompt, { waitMinutes: minutes })));
      }
      if (callback && waitedMs >= callback.offerAfterSeconds * 1000) {
        segments.push(...prompt(withValues(params.callbackOfferPrompt, { callbackKey: callback.key })));
        if (!callbackOffered) void ticket.note('callback_offered', {}).catch(() => undefined);
        callbackOffered = true;
      }
      if (settings.messageKey) segments.push(...prompt(withValues(params.messageOfferPrompt, { messageKey: settings.messageKey })));
      return segments;
    },
    periodic: settings.treatment.periodicMessages.map((m) => ({ segments: prompt(m.prompt), everyMs: m.everySeconds * 1000 })),
    keys: [
      ...(callback ? [{ key: callback.key, fromMs: callback.offerAfterSeconds * 1000 }] : []),
      ...(settings.messageKey ? [{ key: settings.messageKey, fromMs: 0 }] : []),
    ],
    leaveWhenNoAgents: settings.overflow.kind !== 'none',
    ...(settings.whisper ? { whisper: [{ language: 'en-GB', text: `${queue.name}.` }] } : {}),
    record: settings.recordCalls,
  };
}

/** Overflow by the queue's settings; `ticket` (still in the queue) is left as overflowed, or as `none` says. */
async function overflow(context: Context, queue: QueueInfo, why: 'timeout' | 'noAgents', ticket: QueueTicket | undefined): Promise<NodeResult | { kind: 'queue'; queueId: string }> {
  const target = queue.settings.overflow;
  if (target.kind === 'none') {
    await ticket?.leave(why === 'timeout' ? 'timeout' : 'exit');
    return { outcome: why };
  }
  await ticket?.leave('overflowed');
  if (target.kind === 'queue') return { kind: 'queue', queueId: target.queueId };
  if (target.kind === 'voicemail') return { outcome: 'message' };
  const ran = await context.runSubflow(target.flowId, context.signal);
  return { outcome: 'overflow', set: ran.set };
}

export const queueNode2 = defineNode({
  kind: 'queue',
  version: 2,
  params,
  outcomes: () => [
    { name: 'answered', label: 'Answered', description: 'An agent took the call (followed once the agent hangs up)' },
    { name: 'transferred', label: 'Transferred', description: 'The agent passed the caller on to a number' },
    { name: 'callback', label: 'Callback', description: 'The caller will be called back, in their place (they heard the promise)' },
    { name: 'message', label: 'Message', description: 'The caller chose to leave a message, or the queue overflows to voicemail' },
    { name: 'overflow', label: 'Overflow', description: 'After the queue’s overflow flow' },
    { name: 'timeout', label: 'Timeout', description: 'Waited the longest wait (the queue has no overflow)' },
    { name: 'full', label: 'Full' },
    { name: 'closed', label: 'Closed', description: 'Outside the queue’s hours, or it closed during the wait' },
    { name: 'noAgents', label: 'No agents', description: 'Nobody is logged in to answer (the queue has no overflow)' },
  ],
  ui: {
    label: 'Queue',
    category: 'Routing',
    icon: 'users',
    help: 'Wait for the next agent with the right skills. Hours, music, announcements, callbacks and overflow come from the queue’s settings.',
    summary: ['queueId', 'priorityVariable'],
  },
  traits: {
    waitsForCaller: () => true,
    ends: 'person',
    optionalOutcomes: () => ['answered', 'transferred', 'callback', 'message', 'overflow'],
    prompts: (p) => [
      { field: 'positionPrompt', prompt: p.positionPrompt, values: ['queuePosition'] },
      { field: 'waitPrompt', prompt: p.waitPrompt, values: ['waitMinutes'] },
      { field: 'waitShortPrompt', prompt: p.waitShortPrompt },
      { field: 'callbackOfferPrompt', prompt: p.callbackOfferPrompt, values: ['callbackKey'] },
      { field: 'messageOfferPrompt', prompt: p.messageOfferPrompt, values: ['messageKey'] },
      { field: 'confirmNumberPrompt', prompt: p.confirmNumberPrompt, values: ['callbackNumber'] },
      { field: 'enterNumberPrompt', prompt: p.enterNumberPrompt },
      { field: 'callbackBookedPrompt', prompt: p.callbackBookedPrompt },
      { field: 'callbackNotBookedPrompt', prompt: p.callbackNotBookedPrompt },
    ],
    sets: () => ['agentId', 'agentName', 'callbackNumber', 'transferTarget'],
  },
  async run(context) {
    const { params, vars, call, queue, signal, prompt, log } = context;
    const priority = (params.priorityVariable ? numberIn(vars[params.priorityVariable]) : undefined) ?? params.priority;
    const skills = Object.fromEntries(params.skills.map((s) => [s.skill, s.level]));
    let queueId = params.queueId;
    let waitingSince: number | undefined;
    let moves = 0;
    /** In a queue now (the node leaves it however the run ends). */
    let held: { ticket: QueueTicket; queue: QueueInfo } | undefined;
    try {
      for (;;) {
        if (!held) {
          const joined = await queue.join({ callId: call.callId, queueId, priority, skills, vars, callerNumber: call.from, ...(waitingSince === undefined ? {} : { waitingSince }), signal });
          if (joined.kind === 'full' || joined.kind === 'closed') return { outcome: joined.kind };
          if (joined.kind === 'noAgents') {
            const next = await overflow(context, joined.queue, 'noAgents', undefined);
            if (!('kind' in next)) return next;
            queueId = next.queueId;
            if (++moves > MAX_MOVES) return { outcome: 'noAgents' };
            continue;
          }
          held = { ticket: joined.ticket, queue: joined.queue };
          waitingSince = joined.ticket.waitingSince;
        }
        const { ticket, queue: info } = held;
        const end: WaitEnd = await waitWithTicket(context, ticket, info, treatmentOf(context, info, ticket));
        switch (end.kind) {
          case 'answered':
            held = undefined;
            return { outcome: 'answered', set: { agentId: end.offer.agentId, agentName: end.offer.agentName } };
          case 'referred': {
            held = undefined;
            const to = referTarget(end.target);
            if (to.kind === 'queue' && ++moves <= MAX_MOVES) {
              queueId = to.queueId;
              waitingSince = undefined;
              continue;
            }
            if (to.kind === 'destination') {
              const moved = await call.transfer(to.destination, { ringTimeoutMs: TRANSFER_RING_MS, signal });
              if (moved.kind === 'transferred') return { outcome: 'transferred', set: { transferTarget: end.target } };
            }
            // Nowhere to go: back to the queue the caller was in, keeping their time.
            if (++moves > MAX_MOVES) return { outcome: 'timeout' };
            continue;
          }
          case 'closedMidWait':
            held = undefined;
            await ticket.leave('closed');
            return { outcome: 'closed' };
          case 'timeout':
          case 'noAgentsMidWait':
          case 'gone': {
            held = undefined;
            if (end.kind === 'gone') return { outcome: 'timeout' };
            const next = await overflow(context, info, end.kind === 'timeout' ? 'timeout' : 'noAgents', ticket);
            if (!('kind' in next)) return next;
            if (++moves > MAX_MOVES) return { outcome: 'timeout' };
            queueId = next.queueId;
            continue;
          }
          case 'key': {
            if (end.key === info.settings.messageKey && end.key !== (info.settings.callback.enabled ? info.settings.callback.key : undefined)) {
              held = undefined;
              await ticket.leave('exit');
              return { outcome: 'message' };
            }
            const number = await agreeCallbackNumber(context, { confirmNumber: params.confirmNumberPrompt, enterNumber: params.enterNumberPrompt }, info.settings.callback.confirmNumber);
            const booked = number ? await ticket.callback(number) : { kind: 'gone' as const };
            if (booked.kind === 'booked') {
              held = undefined;
              const promise = prompt(params.callbackBookedPrompt);
              await call.play(promise, { bargeIn: false, signal });
              log('prompt.played', { text: spokenText(promise) });
              return { outcome: 'callback', set: { callbackNumber: number! } };
            }
            // No number agreed, or an agent is being offered right now: the caller waits on (and is put through).
            if (!number) {
              const still = prompt(params.callbackNotBookedPrompt);
              await call.play(still, { bargeIn: false, signal });
              log('prompt.played', { text: spokenText(still) });
            }
            continue;
          }
          default:
            return { outcome: end.kind };
        }
      }
    } finally {
      if (held) await held.ticket.leave(signal.aborted ? 'abandoned' : 'exit').catch(() => undefined);
    }
  },
});
