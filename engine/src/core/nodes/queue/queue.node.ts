import { z } from 'zod';
import type { AgentOffer, QueueTicket, VarValue } from '../../../ports/index.js';
import { durationSeconds, ms, msToSeconds, variableName } from '../common-params.js';
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
type LeaveReason = Parameters<QueueTicket['leave']>[0];

// Module-level helpers and one shared abort reason: a caller can wait for many minutes, hearing an
// announcement every interval, and thousands wait at once — nothing here is built per interval.
const TICK: Waited = Object.freeze({ kind: 'tick' });
const ticked = (): Waited => TICK;
const offered = (offer: AgentOffer): Waited => ({ kind: 'offer', offer });
const ignore = (): undefined => undefined;
/** Why the node stops its own waits (shared, so leaving the queue builds no DOMException). */
const WAIT_OVER = new DOMException('the wait in the queue is over', 'AbortError');

/** Passes the node's abort (the caller hung up) on to the whole wait: a listener object, not a closure. */
class WaitStopper {
  constructor(
    private readonly waiting: AbortController,
    private readonly signal: AbortSignal,
  ) {}

  handleEvent(): void {
    this.waiting.abort(this.signal.reason);
  }
}

export const queueNode = defineNode({
  kind: 'queue',
  version: 2,
  earlier: [{ version: 1, upgrade: msToSeconds({ ringTimeoutMs: 'ringTimeoutSeconds' }) }],
  params: z.strictObject({
    queueId: z.string().min(1).max(64).meta({ ref: 'queue', title: 'Queue' }).describe('Queue the caller waits in'),
    priority: z.number().int().min(0).max(100).default(0).describe('Priority when the variable below is not set (higher is served first)'),
    priorityVariable: variableName
      .optional()
      .describe('Variable holding the priority (e.g. "priority", set by a speech node for vulnerable callers); wins over the fixed priority'),
    skills: z.array(z.string().min(1).max(40)).max(10).default([]).describe('Skills the answering agent needs'),
    holdMusic: z.string().min(1).max(500).optional().describe('Hold music (a media path or URL) played between announcements'),
    announcement: defaultedPrompt('Said every interval; {{queuePosition}} is the caller’s place', ANNOUNCEMENT_TEXT),
    announceEverySeconds: z.number().int().min(10).max(600).default(30).describe('Seconds between announcements'),
    maxWaitSeconds: z.number().int().min(10).max(7200).default(600).describe('Longest wait before the timeout exit'),
    ringTimeoutSeconds: durationSeconds('Ring an agent for (seconds)', 'How long an offered agent’s phone rings before the next agent is tried', 20, 5, 120),
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
    prompts: (p) => [{ field: 'announcement', prompt: p.announcement, values: ['queuePosition'], defaults: ANNOUNCEMENT_TEXT }],
    sets: () => ['agentId'],
  },
  async run({ params, vars, call, queue, clock, prompt, log, signal, language }) {
    const priority = (params.priorityVariable ? numberIn(vars[params.priorityVariable]) : undefined) ?? params.priority;
    const joined = await queue.join({ callId: call.callId, queueId: params.queueId, priority, skills: params.skills, vars, signal });
    if (joined.kind !== 'joined') return { outcome: joined.kind };
    const ticket: QueueTicket = joined.ticket;
    let left: LeaveReason | undefined;
    const deadline = clock.now() + params.maxWaitSeconds * 1000;
    // One controller for the whole wait (not one per announcement): it stops the agent offer and the
    // announcement timer when the caller hangs up or the node ends.
    const waiting = new AbortController();
    const stopWaiting = new WaitStopper(waiting, signal);
    signal.addEventListener('abort', stopWaiting, { once: true });
    try {
      let offer = ticket.nextOffer(waiting.signal);
      offer.catch(ignore);
      for (;;) {
        const position = await ticket.position();
        const announcement = prompt(withValues(params.announcement, { queuePosition: position }));
        await call.play(announcement, { bargeIn: false, signal });
        log('prompt.played', { text: spokenText(announcement) });
        const remaining = deadline - clock.now();
        if (remaining <= 0) {
          await ticket.leave((left = 'timeout'));
          return { outcome: 'timeout' };
        }
        // Hold music has to stop when the interval ends, so only then is there a controller per interval.
        // When an offer wins the race, the announcement timer is left to lapse (or to stop with `waiting`).
        const music = params.holdMusic ? new AbortController() : undefined;
        const playing = music
          ? call.play([{ language, text: '(hold music)', audio: params.holdMusic! }], { bargeIn: false, signal: music.signal }).catch(ignore)
          : undefined;
        const waited: Waited = await Promise.race([
          offer.then(offered),
          clock.sleep(Math.min(remaining, params.announceEverySeconds * 1000), waiting.signal).then(ticked, ticked),
        ]);
        if (music) {
          music.abort(WAIT_OVER);
          await playing;
        }
        if (signal.aborted) throw signal.reason;
        if (waited.kind === 'tick') continue;
        const agentId = waited.offer.agentId;
        // Logged as the agent answers, so a caller who hangs up mid-conversation is never taken for one who gave up waiting.
        const rung = await call.bridge(waited.offer.destination, { ringTimeoutMs: ms(params.ringTimeoutSeconds), signal, onAnswer: () => log('agent.connected', { agentId, queueId: params.queueId }) });
        if (rung.kind === 'completed' || rung.kind === 'referred') {
          await ticket.offerResult(waited.offer, 'answered');
          await ticket.leave((left = 'answered'));
          return { outcome: 'answered', set: { agentId: waited.offer.agentId } };
        }
        await ticket.offerResult(waited.offer, rung.kind);
        offer = ticket.nextOffer(waiting.signal);
        offer.catch(ignore);
      }
    } finally {
      signal.removeEventListener('abort', stopWaiting);
      waiting.abort(WAIT_OVER);
      if (!left) await ticket.leave(signal.aborted ? 'abandoned' : 'exit').catch(ignore);
    }
  },
});
