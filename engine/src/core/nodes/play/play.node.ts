import { z } from 'zod';
import { defineNode } from '../define-node.js';
import { promptParam, spokenText } from '../prompt.js';

export const playNode = defineNode({
  kind: 'play',
  version: 1,
  params: z.strictObject({
    prompt: promptParam,
    bargeIn: z.boolean().default(false).describe('Let the caller skip the prompt by pressing a key'),
  }),
  outcomes: () => [{ name: 'done', label: 'Done' }],
  ui: {
    label: 'Play prompt',
    category: 'Prompts',
    icon: 'speaker',
    help: 'Say something to the caller: a recorded prompt or text read aloud. {{variables}} are filled in.',
    summary: ['prompt'],
  },
  traits: {
    waitsForCaller: () => true,
    prompts: (p) => [{ field: 'prompt', prompt: p.prompt }],
  },
  async run({ params, call, prompt, log, signal }) {
    const segments = prompt(params.prompt);
    await call.play(segments, { bargeIn: params.bargeIn, signal });
    log('prompt.played', { text: spokenText(segments) });
    return { outcome: 'done' };
  },
});
