import { z } from 'zod';
import type { PromptSegment, VarValue } from '../../../ports/index.js';
import { matchKeywords } from '../../keywords.js';
import { digitKey, duplicates, durationSeconds, ms, msToSeconds, outcomeName, variableName } from '../common-params.js';
import { defineNode } from '../define-node.js';
import { questionPrompts, repromptParams } from '../menu/menu.node.js';
import { promptParam, spokenText } from '../prompt.js';

const RESERVED_OUTCOMES = ['noInput', 'noMatch'];

const keywordGroup = z
  .strictObject({
    label: z.string().min(1).max(60).describe('What the caller is calling about, shown on the exit (e.g. "Safeguarding")'),
    outcome: outcomeName
      .meta({ title: 'Exit name', derivedFrom: 'label' })
      .describe('The exit’s name in the flow, made from the label (e.g. "safeguarding"); edges and test calls refer to it'),
    phrases: z
      .array(z.string().trim().min(1).max(80))
      .meta({ title: 'Words and phrases', oneLinePerItem: true })
      .min(1)
      .max(100)
      .describe('Flagged words and phrases, synonyms included ("fallen", "not safe"); case, punctuation and plurals are ignored'),
    vulnerable: z
      .boolean()
      .default(false)
      .describe('Safeguarding words: checked before other groups, set vulnerable=true and the priority variable so the queue fast-tracks the caller'),
    digit: digitKey.optional().meta({ title: 'Key' }).describe('Key that chooses this group instead of speaking (keypad fallback)'),
  })
  .describe('Keyword group');

export const speechNode = defineNode({
  kind: 'speech',
  version: 2,
  earlier: [
    {
      version: 1,
      upgrade: (p) => {
        const renamed = msToSeconds({ noInputTimeoutMs: 'noInputTimeoutSeconds', maxSpeechMs: 'maxSpeechSeconds' })(p);
        // Version 2 names every group: an unlabelled group is called what its exit was.
        if (Array.isArray(renamed.groups)) {
          renamed.groups = renamed.groups.map((g: unknown) =>
            g && typeof g === 'object' && !('label' in g) && typeof (g as { outcome?: unknown }).outcome === 'string' ? { ...g, label: (g as { outcome: string }).outcome } : g,
          );
        }
        return renamed;
      },
    },
  ],
  params: z
    .strictObject({
      prompt: promptParam.describe('The open question ("Please tell us in a few words what you are calling about")'),
      groups: z.array(keywordGroup).min(1).max(30).describe('Groups of flagged words, each an exit'),
      bargeIn: z.boolean().default(true).describe('Let the caller speak or press before the question ends'),
      noInputTimeoutSeconds: durationSeconds('Wait for an answer (seconds)', 'Silence before the caller counts as saying nothing', 5, 1, 30),
      maxSpeechSeconds: durationSeconds('Longest answer (seconds)', 'The longest answer listened to', 15, 2, 60),
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
    ...p.groups.map((g) => ({ name: g.outcome, label: g.label })),
    { name: 'noInput', label: 'No input', description: 'Nothing said or pressed, after the last retry' },
    { name: 'noMatch', label: 'No match', description: 'Nothing recognised, after the last retry' },
  ],
  ui: {
    label: 'Speech',
    category: 'Input',
    icon: 'mic',
    help: 'Ask an open question and route by flagged words in the answer (with keys as a fallback). Safeguarding words fast-track vulnerable callers.',
    summary: ['prompt', 'groups'],
    starter: { groups: [{ label: 'Group 1', outcome: 'group-1', phrases: [] }] },
  },
  traits: {
    waitsForCaller: () => true,
    offersChoice: true,
    prompts: questionPrompts,
    sets: (p) => [p.transcriptVariable, p.groupVariable, 'vulnerable', p.priorityVariable],
  },
  async run({ params, call, speech, prompt, log, signal, language }) {
    const phrases = params.groups.flatMap((g) => g.phrases);
    const digitGroups = params.groups.filter((g) => g.digit !== undefined);
    let noInputs = 0;
    let noMatches = 0;
    let lead: PromptSegment[] = [];
    let transcript = '';
    for (;;) {
      const segments = [...lead, ...prompt(params.prompt)];
      const heard = await call.listen({
        prompt: segments,
        bargeIn: params.bargeIn,
        language,
        noInputTimeoutMs: ms(params.noInputTimeoutSeconds),
        maxSpeechMs: ms(params.maxSpeechSeconds),
        allowDigits: digitGroups.length > 0,
        maxDigits: 1,
        signal,
      });
      log('prompt.played', { text: spokenText(segments) });
      if (heard.kind === 'noInput') {
        log('input.none', {});
        if (++noInputs > params.noInput.retries) return { outcome: 'noInput' };
        lead = prompt(params.noInput.prompt);
        continue;
      }
      let group: (typeof params.groups)[number] | undefined;
      if (heard.kind === 'digits') {
        log('input.digits', { digits: heard.digits });
        group = digitGroups.find((g) => g.digit === heard.digits);
      } else {
        const recognition = await speech.recognize(heard.utterance, { language, phrases, signal });
        transcript = recognition.kind === 'transcript' ? recognition.transcript : '';
        log('input.speech', recognition.kind === 'transcript' ? { transcript, confidence: recognition.confidence } : { transcript: '' });
        const understood = recognition.kind === 'transcript' && recognition.confidence >= params.minConfidence;
        group = understood ? matchKeywords(transcript, params.groups)?.group : undefined;
      }
      if (group) {
        const set: Record<string, VarValue> = { [params.transcriptVariable]: transcript, [params.groupVariable]: group.outcome };
        if (group.vulnerable) Object.assign(set, { vulnerable: true, [params.priorityVariable]: params.vulnerablePriority });
        return { outcome: group.outcome, set };
      }
      if (++noMatches > params.noMatch.retries) {
        return { outcome: 'noMatch', set: { [params.transcriptVariable]: transcript } };
      }
      lead = prompt(params.noMatch.prompt);
    }
  },
});
