import { z } from 'zod';
import { languageTag } from '../../flow/schema.js';
import { digitKey, duplicates, durationSeconds, ms, msToSeconds } from '../common-params.js';
import { defineNode } from '../define-node.js';
import { askForKey, questionPrompts, repromptParams } from '../ask.js';
import { promptParam } from '../prompt.js';

const choice = z
  .strictObject({
    digit: digitKey.meta({ title: 'Key' }).describe('Key the caller presses'),
    language: languageTag.describe('Language chosen (one the flow offers), also the exit'),
    label: z.string().min(1).max(60).describe('e.g. "Cymraeg"'),
  })
  .describe('Language option');

export const languageNode = defineNode({
  kind: 'language',
  version: 2,
  earlier: [{ version: 1, upgrade: msToSeconds({ timeoutMs: 'timeoutSeconds' }) }],
  params: z
    .strictObject({
      mode: z.enum(['choose', 'fixed']).default('choose').describe('choose: the caller picks with a key; fixed: switch to one language'),
      language: languageTag.optional().describe('The language to switch to (fixed)'),
      prompt: promptParam.optional().describe('The choice, said in every language ("For English, press 1. Am Gymraeg, pwyswch 2.")'),
      options: z.array(choice).max(9).default([]).describe('Languages the caller can choose (choose)'),
      bargeIn: z.boolean().default(true).describe('Let the caller press before the prompt ends'),
      timeoutSeconds: durationSeconds('Wait for a key (seconds)', 'How long to wait for a key after the choice', 5, 1, 30),
      noInput: repromptParams('noInput'),
      noMatch: repromptParams('noMatch'),
    })
    .superRefine((p, ctx) => {
      if (p.mode === 'fixed' && p.language === undefined) {
        ctx.addIssue({ code: 'custom', path: ['language'], message: 'a fixed language switch needs the language' });
      }
      if (p.mode === 'choose') {
        if (p.options.length === 0) ctx.addIssue({ code: 'custom', path: ['options'], message: 'offer at least one language' });
        if (p.prompt === undefined) ctx.addIssue({ code: 'custom', path: ['prompt'], message: 'the caller needs to hear the choice' });
      }
      for (const key of ['digit', 'language'] as const) {
        for (const value of duplicates(p.options.map((o) => o[key]))) {
          const index = p.options.findLastIndex((o) => o[key] === value);
          ctx.addIssue({ code: 'custom', path: ['options', index, key], message: `${value} is offered twice` });
        }
      }
    }),
  outcomes: (p) =>
    p.mode === 'fixed'
      ? [{ name: 'done', label: 'Done' }]
      : [
          ...p.options.map((o) => ({ name: o.language, label: `${o.digit}: ${o.label}` })),
          { name: 'done', label: 'No choice', description: 'No language chosen after the last retry: the language stays as it was' },
        ],
  ui: {
    label: 'Language',
    category: 'Prompts',
    icon: 'languages',
    help: 'Let the caller choose a language (e.g. English or Welsh), or switch to one; later prompts use it.',
    summary: ['mode', 'options'],
  },
  traits: {
    waitsForCaller: (p) => p.mode === 'choose',
    prompts: (p) => (p.mode === 'fixed' ? [] : questionPrompts(p)),
    languages: (p) => (p.mode === 'fixed' ? (p.language ? [p.language] : []) : p.options.map((o) => o.language)),
    sets: () => ['language'],
  },
  async run(context) {
    const { params } = context;
    if (params.mode === 'fixed') return { outcome: 'done', set: { language: params.language ?? context.language } };
    const answer = await askForKey(context, {
      ...params,
      timeoutMs: ms(params.timeoutSeconds),
      prompt: params.prompt ?? { text: {} },
      keys: params.options.map((o) => o.digit),
    });
    const chosen = answer.kind === 'key' ? params.options.find((o) => o.digit === answer.key) : undefined;
    return chosen ? { outcome: chosen.language, set: { language: chosen.language } } : { outcome: 'done' };
  },
});
