import { z } from 'zod';
import type { VarValue } from '../../../ports/index.js';
import { durationMs, variableName } from '../common-params.js';
import { defineNode } from '../define-node.js';
import { defaultedPrompt, withValues } from '../prompt.js';
import { waitInQueue } from './wait-in-queue.js';

const ANNOUNCEMENT_TEXT = {
  'en-GB': 'You are number {{queuePosition}} in the queue. Thank you for waiting.',
  'cy-GB': 'Rydych chi’n rhif {{queuePosition}} yn y ciw. Diolch am aros.',
};

/** A number held in a variable (digits as text count), else undefined. */
export const numberIn = (value: VarValue | undefined): number | undefined => {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  return Number.isFinite(n) ? n : undefined;
};

/**
 * Version 1: the caller's treatment is all in the node's params (the queue's stored settings apply to the
 * ACD's side only: wrap-up, missed offers). Flows saved with it keep running; version 2 takes treatment,
 * overflow and callbacks from the stored queue.
 */
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
  async run(context) {
    const { params, vars, call, prompt } = context;
    const priority = (params.priorityVariable ? numberIn(vars[params.priorityVariable]) : undefined) ?? params.priority;
    const end = await waitInQueue(context, { callId: call.callId, queueId: params.queueId, priority, skills: params.skills, vars, callerNumber: call.from }, () => ({
      holdMusic: params.holdMusic,
      alwaysHold: false,
      announceEveryMs: params.announceEverySeconds * 1000,
      maxWaitMs: params.maxWaitSeconds * 1000,
      ringTimeoutMs: params.ringTimeoutMs,
      announcement: (status) => prompt(withValues(params.announcement, { queuePosition: status.position })),
      periodic: [],
      keys: [],
      leaveWhenNoAgents: false,
      record: false,
    }));
    switch (end.kind) {
      case 'answered':
      case 'referred':
        return { outcome: 'answered', set: { agentId: end.offer.agentId } };
      case 'full':
      case 'closed':
      case 'noAgents':
        return { outcome: end.kind };
      case 'closedMidWait':
        await end.ticket.leave('closed');
        return { outcome: 'closed' };
      default:
        await end.ticket.leave('timeout');
        return { outcome: 'timeout' };
    }
  },
});
