import { z } from 'zod';
import type { PromptSegment } from '../../../ports/index.js';
import { patternProblem, testSafePattern } from '../../safe-pattern.js';
import { durationSeconds, ms, msToSeconds, retries, variableName } from '../common-params.js';
import { defineNode } from '../define-node.js';
import { ask, NO_INPUT_TEXT, type Verdict } from '../ask.js';
import { defaultedPrompt, promptParam, readBack, spokenText, withValues } from '../prompt.js';

const CONFIRM_TEXT = {
  'en-GB': 'You entered {{entered}}. Press 1 if correct, 2 to try again.',
  'cy-GB': "Fe wnaethoch chi roi {{entered}}. Pwyswch 1 os yw'n gywir, 2 i geisio eto.",
};
const INVALID_TEXT = {
  'en-GB': "Sorry, that number isn't valid.",
  'cy-GB': "Mae'n ddrwg gen i, nid yw'r rhif hwnnw'n ddilys.",
};

export const collectDigitsNode = defineNode({
  kind: 'collect-digits',
  version: 2,
  earlier: [{ version: 1, upgrade: msToSeconds({ firstDigitTimeoutMs: 'firstDigitTimeoutSeconds', interDigitTimeoutMs: 'interDigitTimeoutSeconds' }) }],
  params: z
    .strictObject({
      prompt: promptParam.describe('What to enter ("Please enter your 8-digit reference, then press hash")'),
      variable: variableName.default('digits').describe('Variable the digits are stored in'),
      minDigits: z.number().int().min(1).max(32).default(1).describe('Fewest digits accepted'),
      maxDigits: z.number().int().min(1).max(32).default(16).describe('Most digits accepted'),
      terminator: z.enum(['#', '*', '']).default('#').describe('Key that ends entry early ("" for none)'),
      pattern: z
        .string()
        .max(200)
        .optional()
        .describe('Regular expression the whole entry must match, e.g. 0[0-9]{9,10} for a UK phone number'),
      bargeIn: z.boolean().default(true).describe('Let the caller start typing before the prompt ends'),
      firstDigitTimeoutSeconds: durationSeconds('Wait for the first key (seconds)', 'How long to wait for the first key after the prompt', 6, 1, 30),
      interDigitTimeoutSeconds: durationSeconds('Wait between keys (seconds)', 'How long a pause between keys ends the entry', 3, 1, 20),
      retries: retries('Times the caller is asked again after no input, an invalid entry or "try again"'),
      confirm: z
        .strictObject({
          enabled: z.boolean().default(false).describe('Read the entry back and ask the caller to confirm it'),
          prompt: defaultedPrompt('The read-back; {{entered}} is the entry, digit by digit', CONFIRM_TEXT),
        })
        .prefault({})
        .describe('Confirmation read-back (press 1 if correct, 2 to try again)'),
      noInputPrompt: defaultedPrompt('Said before asking again after no input', NO_INPUT_TEXT),
      invalidPrompt: defaultedPrompt('Said before asking again after an invalid entry', INVALID_TEXT),
    })
    .superRefine((p, ctx) => {
      if (p.minDigits > p.maxDigits) {
        ctx.addIssue({ code: 'custom', path: ['maxDigits'], message: `must be at least minDigits (${p.minDigits})` });
      }
      const problem = p.pattern === undefined ? undefined : patternProblem(p.pattern);
      if (problem) ctx.addIssue({ code: 'custom', path: ['pattern'], message: problem });
    }),
  outcomes: () => [
    { name: 'done', label: 'Done', description: 'A valid (and confirmed) entry, stored in the variable' },
    { name: 'noInput', label: 'No input', description: 'Nothing entered, after the last retry' },
    { name: 'invalid', label: 'Invalid', description: 'No valid entry, after the last retry' },
  ],
  ui: {
    label: 'Collect digits',
    category: 'Input',
    icon: 'hash',
    help: 'Ask for a number (a reference, a phone number), check it, optionally read it back, and store it in a variable.',
    summary: ['prompt', 'variable'],
  },
  traits: {
    waitsForCaller: () => true,
    prompts: (p) => [
      { field: 'prompt', prompt: p.prompt },
      { field: 'noInputPrompt', prompt: p.noInputPrompt, defaults: NO_INPUT_TEXT },
      { field: 'invalidPrompt', prompt: p.invalidPrompt, defaults: INVALID_TEXT },
      ...(p.confirm.enabled ? [{ field: 'confirm.prompt', prompt: p.confirm.prompt, values: ['entered'], defaults: CONFIRM_TEXT }] : []),
    ],
    sets: (p) => [p.variable],
  },
  async run(context) {
    const { params, call, prompt, log, signal } = context;
    const collect = (segments: PromptSegment[], minDigits: number, maxDigits: number, bargeIn: boolean) =>
      call.collectDigits({
        prompt: segments,
        bargeIn,
        minDigits,
        maxDigits,
        terminators: params.terminator,
        firstDigitTimeoutMs: ms(params.firstDigitTimeoutSeconds),
        interDigitTimeoutMs: ms(params.interDigitTimeoutSeconds),
        signal,
      });
    /** Reads the entry back; an answer other than 1 asks for the number again without the invalid-entry words. */
    const confirmed = async (digits: string): Promise<Verdict<string>> => {
      const readBackSegments = prompt(withValues(params.confirm.prompt, { entered: readBack(digits) }));
      let answer = await collect(readBackSegments, 1, 1, true);
      // A terminator pressed after a full-length entry arrives here on its own: it is not the answer.
      if (answer.kind === 'digits' && answer.digits === '' && answer.terminator !== undefined) answer = await collect([], 1, 1, true);
      log('prompt.played', { text: spokenText(readBackSegments) });
      if (answer.kind === 'digits') log('input.digits', { digits: answer.digits });
      else log('input.none', {});
      if (answer.kind === 'digits' && answer.digits === '1') return { kind: 'answer', answer: digits };
      return { kind: answer.kind === 'noInput' ? 'noInput' : 'noMatch', quiet: true };
    };
    const entry = await ask(context, {
      prompt: params.prompt,
      noInput: { retries: params.retries, prompt: params.noInputPrompt },
      noMatch: { retries: params.retries, prompt: params.invalidPrompt },
      sharedRetries: params.retries,
      put: (segments) => collect(segments, params.minDigits, params.maxDigits, params.bargeIn),
      judge: (entered): Verdict<string> | Promise<Verdict<string>> => {
        if (entered.kind === 'noInput') {
          log('input.none', {});
          return entered;
        }
        log('input.digits', { digits: entered.digits });
        const valid =
          entered.digits.length >= params.minDigits &&
          entered.digits.length <= params.maxDigits &&
          /^[0-9*#]*$/.test(entered.digits) &&
          (params.pattern === undefined || testSafePattern(params.pattern, entered.digits));
        if (!valid) return { kind: 'noMatch' };
        return params.confirm.enabled ? confirmed(entered.digits) : { kind: 'answer', answer: entered.digits };
      },
    });
    if (entry.kind !== 'answer') return { outcome: entry.kind === 'noMatch' ? 'invalid' : 'noInput' };
    return { outcome: 'done', set: { [params.variable]: entry.answer } };
  },
});
