import { z } from 'zod';
import type { PromptSegment } from '../../../ports/index.js';
import { patternProblem, testSafePattern } from '../../safe-pattern.js';
import { durationSeconds, ms, msToSeconds, retries, variableName } from '../common-params.js';
import { defineNode } from '../define-node.js';
import { NO_INPUT_TEXT } from '../menu/menu.node.js';
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
  async run({ params, call, prompt, log, signal }) {
    let lead: PromptSegment[] = [];
    let failure: 'noInput' | 'invalid' = 'noInput';
    for (let attempt = 0; attempt <= params.retries; attempt++) {
      const segments = [...lead, ...prompt(params.prompt)];
      const entry = await call.collectDigits({
        prompt: segments,
        bargeIn: params.bargeIn,
        minDigits: params.minDigits,
        maxDigits: params.maxDigits,
        terminators: params.terminator,
        firstDigitTimeoutMs: ms(params.firstDigitTimeoutSeconds),
        interDigitTimeoutMs: ms(params.interDigitTimeoutSeconds),
        signal,
      });
      log('prompt.played', { text: spokenText(segments) });
      if (entry.kind === 'noInput') {
        log('input.none', {});
        failure = 'noInput';
        lead = prompt(params.noInputPrompt);
        continue;
      }
      log('input.digits', { digits: entry.digits });
      const valid =
        entry.digits.length >= params.minDigits &&
        entry.digits.length <= params.maxDigits &&
        /^[0-9*#]*$/.test(entry.digits) &&
        (params.pattern === undefined || testSafePattern(params.pattern, entry.digits));
      if (!valid) {
        failure = 'invalid';
        lead = prompt(params.invalidPrompt);
        continue;
      }
      if (params.confirm.enabled) {
        const readBackSegments = prompt(withValues(params.confirm.prompt, { entered: readBack(entry.digits) }));
        const confirmation = (segments: PromptSegment[]) =>
          call.collectDigits({
            prompt: segments,
            bargeIn: true,
            minDigits: 1,
            maxDigits: 1,
            terminators: params.terminator,
            firstDigitTimeoutMs: ms(params.firstDigitTimeoutSeconds),
            interDigitTimeoutMs: ms(params.interDigitTimeoutSeconds),
            signal,
          });
        let answer = await confirmation(readBackSegments);
        // A terminator pressed after a full-length entry arrives here on its own: it is not the answer.
        if (answer.kind === 'digits' && answer.digits === '' && answer.terminator !== undefined) answer = await confirmation([]);
        log('prompt.played', { text: spokenText(readBackSegments) });
        if (answer.kind === 'digits') log('input.digits', { digits: answer.digits });
        else log('input.none', {});
        if (answer.kind !== 'digits' || answer.digits !== '1') {
          failure = answer.kind === 'noInput' ? 'noInput' : 'invalid';
          lead = [];
          continue;
        }
      }
      return { outcome: 'done', set: { [params.variable]: entry.digits } };
    }
    return { outcome: failure };
  },
});
