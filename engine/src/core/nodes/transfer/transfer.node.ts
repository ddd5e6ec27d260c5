import { z } from 'zod';
import { parseDestination } from '../../destination.js';
import { durationMs } from '../common-params.js';
import { defineNode } from '../define-node.js';
import { promptParam, say } from '../prompt.js';

/** A destination param: checked when the flow is parsed, so a bad address never reaches a call. */
export const destinationParam = z.string().superRefine((text, ctx) => {
  const parsed = parseDestination(text);
  if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.message });
});

/** The parsed destination of a param that passed destinationParam. */
export function destinationOf(text: string) {
  const parsed = parseDestination(text);
  if (!parsed.ok) throw new TypeError(`destination was not checked: ${parsed.message}`);
  return parsed.destination;
}

export const transferNode = defineNode({
  kind: 'transfer',
  version: 1,
  params: z.strictObject({
    destination: destinationParam.describe('Where to: sip:user@host, tel:+44…, teams:+44… or agent:<id>'),
    mode: z
      .enum(['blind', 'bridge'])
      .default('blind')
      .describe('blind: hand the call over (SIP REFER) and leave; bridge: connect and stay in the media path'),
    ringTimeoutMs: durationMs('How long it rings before the no-answer exit (ms)', 30_000, 5000, 120_000),
    prompt: promptParam.optional().describe('Said before transferring ("Putting you through now")'),
    callerId: z.string().max(40).optional().describe('Number presented to the far end (default: the caller’s)'),
  }),
  outcomes: () => [
    { name: 'transferred', label: 'Transferred', description: 'The far end took the call' },
    { name: 'busy', label: 'Busy' },
    { name: 'noAnswer', label: 'No answer' },
    { name: 'failed', label: 'Failed', description: 'The far end could not be reached' },
  ],
  ui: {
    label: 'Transfer',
    category: 'Routing',
    icon: 'phone-forwarded',
    help: 'Put the caller through to a phone number, a SIP address, a Teams user or an agent.',
    summary: ['destination', 'mode'],
  },
  traits: {
    waitsForCaller: () => true,
    ends: 'person',
    optionalOutcomes: () => ['transferred'],
    prompts: (p) => (p.prompt ? [{ field: 'prompt', prompt: p.prompt }] : []),
  },
  async run(context) {
    const { params, call, signal } = context;
    await say(context, params.prompt);
    const destination = destinationOf(params.destination);
    const options = { ringTimeoutMs: params.ringTimeoutMs, signal, ...(params.callerId ? { callerId: params.callerId } : {}) };
    if (params.mode === 'blind') {
      const result = await call.transfer(destination, options);
      return { outcome: result.kind };
    }
    const result = await call.bridge(destination, options);
    if (result.kind === 'completed') return { outcome: 'transferred' };
    if (result.kind !== 'referred') return { outcome: result.kind };
    // The far end passed the caller on from its phone (REFER): honour it, the caller leaves for its target.
    const onward = await call.transfer({ kind: 'sip', uri: result.target }, options);
    return { outcome: onward.kind === 'transferred' ? 'transferred' : 'failed' };
  },
});
