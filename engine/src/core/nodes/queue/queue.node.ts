import { z } from 'zod';
import type { AgentOffer, PromptSegment, QueueTicket, VarValue } from '../../../ports/index.js';
import { durationMs, variableName } from '../common-params.js';
import { defineNode } from '../define-node.js';
import { defaultedPrompt, spokenText, withValues } from '../prompt.js';

const ANNOUNCEMENT_TEXT = {
  'en-GB': 'You are number {{queuePosition}} in the queue. Thank you for waiting.',
  'cy-GB': 'Rydych chi’n rhif {{queuePosition}} yn y ciw. Diolch am aros.',
};

/** A number held in a variable (digits as text count), else undefined. */
const numberIn = (value: VarValue | undefined): number | undefined => {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  return Number.isFinite(n) ? n : undefined;
};

type Waited = { kind: 'offer'; offer: AgentOffer } | { kind: 'tick' };

export const queueNode = defineNode({
  kind: 'queue',
  version: 1,
  params: z.strictObject({
    queueId: z.string().min(1).max(64).describe('Queue the caller waits in'),
    priority: z.number().int().min(0).max(100).default(0).describe('Priority when the variable below is not set (higher is served first)'),
    priorityVariable: variableName
      .optional()
      .describe('Variable holding the priority (e.g. "priority", set by a speech node for vulnerable callers); wins over the fixed priority'),
    skills: z.array(z.string().min(1).max(40)).max(10).default([]).describe('Skills the answering agent needs'),
    holdMusic: z.string().min(1).max(500).optional().describe('Hold music (a media path or URL) played between announcements'),
    announcement: defaultedPrompt('Said every interval; {{queuePosition}} is the caller’s place', ANNOUNCEMENT_TEXT),
    announceEverySeconds: z.number().int().min(10).max(600).default(30).describe('Seconds between announcements'),
    maxWaitSeconds: z.number().int().min(10).max(7200).default(600).describe('Longest wait before the timeout exit'),
    ringTimeoutMs: durationMs('How long an offered agent rings (ms)', 20_000, 5000, 120_000),
  }),
  outcomes: () => [
    { name: 'answered', label: 'Answered', description: 'An agent took the call (followed once the agent hangs up)' },
    { name: 'timeout', label: 'Timeout', description: 'Waited the longest wait' },
    { name: 'full', label: 'Full' },
    { name: 'closed', label: 'Closed' },
    { name: 'noAgents', label: 'No agents', description: 'Nobody is logged in to answer' },
  ],
  ui: {
    label: 'Queue',
    category: 'Routing',
    icon: 'users',
    help: 'Wait for the next agent with the right skills, hearing hold music and their place in the queue.',
    summary: ['queueId', 'priorityVariable'],
  },
  traits: {
    waitsForCaller: () => true,
    ends: 'person',
    optionalOutcomes: () => ['answered'],
    prompts: (p) => [{ field: 'announcement', prompt: p.announcement, values: ['queuePosition'] }],
    sets: () => ['agentId'],
  },
  async run({ params, vars, call, queue, clock, prompt, log, signal, language }) {
    const priority = (params.priorityVariable ? numberIn(vars[params.priorityVariable]) : undefined) ?? params.priority;
    const joined = await queue.join({ callId: call.callId, queueId: params.queueId, priority, skills: params.skills, vars, signal });
    if (joined.kind !== 'joined') return { outcome: joined.kind };
    const ticket: QueueTicket = joined.ticket;
    let left = false;
    const leave = async (reason: Parameters<QueueTicket['leave']>[0]) => {
      left = true;
      await ticket.leave(reason);
    };
    const deadline = clock.now() + params.maxWaitSeconds * 1000;
    const waiting = new AbortController();
    const stopWaiting = () => waiting.abort();
    signal.addEventListener('abort', stopWaiting, { once: true });
    try {
      let offer = ticket.nextOffer(waiting.signal);
      offer.catch(() => undefined);
      for (;;) {
        const position = await ticket.position();
        const announcement = prompt(withValues(params.announcement, { queuePosition: position }));
        await call.play(announcement, { bargeIn: false, signal });
        log('prompt.played', { text: spokenText(announcement) });
        const remaining = deadline - clock.now();
        if (remaining <= 0) {
          await leave('timeout');
          return { outcome: 'timeout' };
        }
        const interval = new AbortController();
        const stopInterval = () => interval.abort();
        waiting.signal.addEventListener('abort', stopInterval, { once: true });
        const music: PromptSegment[] = params.holdMusic ? [{ language, text: '(hold music)', audio: params.holdMusic }] : [];
        const playing = music.length ? call.play(music, { bargeIn: false, signal: interval.signal }).catch(() => undefined) : undefined;
        const waited: Waited = await Promise.race([
          offer.then((o): Waited => ({ kind: 'offer', offer: o })),
          clock
            .sleep(Math.min(remaining, params.announceEverySeconds * 1000), interval.signal)
            .then(
              (): Waited => ({ kind: 'tick' }),
              (): Waited => ({ kind: 'tick' }),
            ),
        ]);
        interval.abort();
        waiting.signal.removeEventListener('abort', stopInterval);
        await playing;
        if (waited.kind === 'tick') continue;
        const rung = await call.bridge(waited.offer.destination, { ringTimeoutMs: params.ringTimeoutMs, signal });
        if (rung.kind === 'completed') {
          await ticket.offerResult(waited.offer, 'answered');
          await leave('answered');
          return { outcome: 'answered', set: { agentId: waited.offer.agentId } };
        }
        await ticket.offerResult(waited.offer, rung.kind);
        offer = ticket.nextOffer(waiting.signal);
        offer.catch(() => undefined);
      }
    } finally {
      signal.removeEventListener('abort', stopWaiting);
      waiting.abort();
      if (!left) await ticket.leave(signal.aborted ? 'abandoned' : 'exit').catch(() => undefined);
    }
  },
});
