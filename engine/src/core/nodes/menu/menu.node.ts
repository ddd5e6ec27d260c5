import { z } from 'zod';
import { askForKey, questionPrompts, repromptParams } from '../ask.js';
import { digitKey, duplicates, durationSeconds, ms, msToSeconds } from '../common-params.js';
import { defineNode } from '../define-node.js';
import { promptParam } from '../prompt.js';

const option = z
  .strictObject({
    digit: digitKey.meta({ title: 'Key' }).describe('Key the caller presses; also the name of the exit'),
    label: z.string().min(1).max(60).describe('What the option is, shown on the exit (e.g. "Highways")'),
  })
  .describe('Option');

export const menuNode = defineNode({
  kind: 'menu',
  version: 2,
  earlier: [{ version: 1, upgrade: msToSeconds({ timeoutMs: 'timeoutSeconds' }) }],
  params: z
    .strictObject({
      prompt: promptParam.describe('The question, listing the options ("For highways, press 1 …")'),
      options: z.array(option).min(1).max(12).describe('Keys the caller can press, each an exit'),
      repeatKey: digitKey.optional().describe('Key that repeats the question (e.g. *)'),
      bargeIn: z.boolean().default(true).describe('Let the caller press a key before the question ends'),
      timeoutSeconds: durationSeconds('Wait for a key (seconds)', 'How long to wait for a key after the question', 5, 1, 30),
      noInput: repromptParams('noInput'),
      noMatch: repromptParams('noMatch'),
    })
    .superRefine((p, ctx) => {
      const digits = p.options.map((o) => o.digit);
      for (const digit of duplicates(digits)) {
        const index = p.options.findLastIndex((o) => o.digit === digit);
        ctx.addIssue({ code: 'custom', path: ['options', index, 'digit'], message: `key ${digit} is used by two options` });
      }
      if (p.repeatKey && digits.includes(p.repeatKey)) {
        ctx.addIssue({ code: 'custom', path: ['repeatKey'], message: `key ${p.repeatKey} is already an option` });
      }
    }),
  outcomes: (p) => [
    ...p.options.map((o) => ({ name: o.digit, label: `${o.digit}: ${o.label}` })),
    { name: 'noInput', label: 'No input', description: 'Nothing pressed, after the last retry' },
    { name: 'noMatch', label: 'No match', description: 'A wrong key, after the last retry' },
  ],
  ui: {
    label: 'Menu',
    category: 'Input',
    icon: 'list',
    help: 'Ask the caller to press a key and follow the option they choose. Asks again after silence or a wrong key.',
    summary: ['prompt', 'options'],
    starter: { options: [{ digit: '1', label: 'Option 1' }] },
  },
  traits: {
    waitsForCaller: () => true,
    offersChoice: true,
    prompts: questionPrompts,
  },
  async run(context) {
    const { params } = context;
    const answer = await askForKey(context, { ...params, timeoutMs: ms(params.timeoutSeconds), keys: params.options.map((o) => o.digit) });
    return { outcome: answer.kind === 'key' ? answer.key : answer.kind };
  },
});
