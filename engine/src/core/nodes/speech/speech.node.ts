import { z } from 'zod';
import type { VarValue } from '../../../ports/index.js';
import { matchKeywords } from '../../keywords.js';
import { ask, questionPrompts, repromptParams, type Verdict } from '../ask.js';
import { digitKey, duplicates, durationMs, outcomeName, variableName } from '../common-params.js';
import { defineNode } from '../define-node.js';
import { promptParam } from '../prompt.js';

const RESERVED_OUTCOMES = ['noInput', 'noMatch'];

const keywordGroup = z
  .strictObject({
    outcome: outcomeName.describe('Exit taken when the caller says one of these (e.g. "safeguarding")'),
    label: z.string().max(60).optional().describe('Shown on the exit'),
    phrases: z
      .array(z.string().trim().min(1).max(80))
      .min(1)
      .max(100)
      .describe('Flagged words and phrases, synonyms included ("fallen", "not safe"); case, punctuation and plurals are ignored'),
    vulnerable: z
      .boolean()
      .default(false)
      .describe('Safeguarding words: checked before other groups, set vulnerable=true and the priority variable so the queue fast-tracks the caller'),
    digit: digitKey.optional().describe('Key that chooses this group instead of speaking (DTMF fallback)'),
  })
  .describe('Keyword group');

export const speechNode = defineNode({
  kind: 'speech',
  version: 1,
  params: z
    .strictObject({
      prompt: promptParam.describe('The open question ("Please tell us in a few words what you are calling about")'),
      groups: z.array(keywordGroup).min(1).max(30).describe('Groups of flagged words, each an exit'),
      bargeIn: z.boolean().default(true).describe('Let the caller speak or press before the question ends'),
      noInputTimeoutMs: durationMs('Silence before the caller counts as saying nothing (ms)', 5000, 1000, 30_000),
      maxSpeechMs: durationMs('Longest answer listened to (ms)', 15_000, 2000, 60_000),
      transcriptVariable: variableName.default('transcript').describe('Variable that holds what the caller said'),
      groupVariable: variableName.default('intent').describe('Variable that holds the matched group (its exit)'),
      priorityVariable: variableName.default('priority').describe('Variable set to the vulnerable priority when a vulnerable group matches'),
      vulnerablePriority: z.number().int().min(1).max(100).default(10).describe('Queue priority given to vulnerable callers'),
      minConfidence: z
        .number()
        .min(0)
        .max(1)
        .default(0.3)
        .describe('Recognitions the recogniser is less sure of than this (0–1) count as not understood'),
      noInput: repromptParams('noInput'),
      noMatch: repromptParams('noMatch'),
    })
    .superRefine((p, ctx) => {
      const outcomes = p.groups.map((g) => g.outcome);
      for (const name of new Set([...duplicates(outcomes), ...outcomes.filter((o) => RESERVED_OUTCOMES.includes(o))])) {
        ctx.addIssue({
          code: 'custom',
          path: ['groups', outcomes.lastIndexOf(name), 'outcome'],
          message: RESERVED_OUTCOMES.includes(name) ? `"${name}" is a built-in exit` : `two groups lead to "${name}"`,
        });
      }
      const digits = p.groups.flatMap((g) => (g.digit ? [g.digit] : []));
      for (const digit of duplicates(digits)) {
        const index = p.groups.findLastIndex((g) => g.digit === digit);
        ctx.addIssue({ code: 'custom', path: ['groups', index, 'digit'], message: `key ${digit} is used by two groups` });
      }
    }),
  outcomes: (p) => [
    ...p.groups.map((g) => ({ name: g.outcome, label: g.label ?? g.outcome })),
    { name: 'noInput', label: 'No input', description: 'Nothing said or pressed, after the last retry' },
    { name: 'noMatch', label: 'No match', description: 'Nothing recognised, after the last retry' },
  ],
  ui: {
    label: 'Speech',
    category: 'Input',
    icon: 'mic',
    help: 'Ask an open question and route by flagged words in the answer (with keys as a fallback). Safeguarding words fast-track vulnerable callers.',
    summary: ['prompt', 'groups'],
  },
  traits: {
    waitsForCaller: () => true,
    offersChoice: true,
    prompts: questionPrompts,
    sets: (p) => [p.transcriptVariable, p.groupVariable, 'vulnerable', p.priorityVariable],
  },
  async run(context) {
    const { params, call, speech, log, signal, language } = context;
    const phrases = params.groups.flatMap((g) => g.phrases);
    const digitGroups = params.groups.filter((g) => g.digit !== undefined);
    type Group = (typeof params.groups)[number];
    let transcript = '';
    const heard = await ask(context, {
      prompt: params.prompt,
      noInput: params.noInput,
      noMatch: params.noMatch,
      put: (segments) =>
        call.listen({
          prompt: segments,
          bargeIn: params.bargeIn,
          language,
          noInputTimeoutMs: params.noInputTimeoutMs,
          maxSpeechMs: params.maxSpeechMs,
          allowDigits: digitGroups.length > 0,
          maxDigits: 1,
          signal,
        }),
      judge: async (response): Promise<Verdict<Group>> => {
        if (response.kind === 'noInput') {
          log('input.none', {});
          return response;
        }
        let group: Group | undefined;
        if (response.kind === 'digits') {
          log('input.digits', { digits: response.digits });
          group = digitGroups.find((g) => g.digit === response.digits);
        } else {
          const recognition = await speech.recognize(response.utterance, { language, phrases, signal });
          transcript = recognition.kind === 'transcript' ? recognition.transcript : '';
          log('input.speech', recognition.kind === 'transcript' ? { transcript, confidence: recognition.confidence } : { transcript: '' });
          const understood = recognition.kind === 'transcript' && recognition.confidence >= params.minConfidence;
          group = understood ? matchKeywords(transcript, params.groups)?.group : undefined;
        }
        return group ? { kind: 'answer', answer: group } : { kind: 'noMatch' };
      },
    });
    if (heard.kind === 'noInput') return { outcome: 'noInput' };
    if (heard.kind === 'noMatch') return { outcome: 'noMatch', set: { [params.transcriptVariable]: transcript } };
    const group = heard.answer;
    const set: Record<string, VarValue> = { [params.transcriptVariable]: transcript, [params.groupVariable]: group.outcome };
    if (group.vulnerable) Object.assign(set, { vulnerable: true, [params.priorityVariable]: params.vulnerablePriority });
    return { outcome: group.outcome, set };
  },
});
