import { z } from 'zod';
import { defineNode } from '../define-node.js';
import { promptParam, spokenText } from '../prompt.js';

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
  async run({ params, call, prompt, log, signal }) {
    if (params.prompt) {
      const segments = prompt(params.prompt);
      await call.play(segments, { bargeIn: false, signal });
      log('prompt.played', { text: spokenText(segments) });
    }
    await call.hangup(params.reason);
    return { outcome: 'hangup', set: { outcome: params.reason } };
  },
});
