import { z } from 'zod';
import { defineNode } from '../define-node.js';
import { promptParam, say } from '../prompt.js';

export const hangupNode = defineNode({
  kind: 'hangup',
  version: 1,
  params: z.strictObject({
    prompt: promptParam.optional().describe('Said before the call ends, e.g. "Thank you for calling. Goodbye."'),
    reason: z.string().max(100).default('completed').describe('Recorded as the call outcome'),
  }),
  outcomes: () => [],
  ui: {
    label: 'End call',
    category: 'Call',
    icon: 'phone-off',
    help: 'Say goodbye (optional) and end the call.',
    summary: ['reason'],
  },
  traits: {
    waitsForCaller: () => true,
    ends: 'deliberate',
    prompts: (p) => (p.prompt ? [{ field: 'prompt', prompt: p.prompt }] : []),
  },
  async run(context) {
    const { params, call } = context;
    await say(context, params.prompt);
    await call.hangup(params.reason);
    return { outcome: 'hangup', set: { outcome: params.reason } };
  },
});
