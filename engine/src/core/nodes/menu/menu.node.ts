import { z } from 'zod';
import type { PromptSegment } from '../../../ports/index.js';
import { digitKey, duplicates, durationSeconds, ms, msToSeconds, retries } from '../common-params.js';
import { defineNode, type NodeContext } from '../define-node.js';
import { defaultedPrompt, promptParam, spokenText, type PromptParam } from '../prompt.js';

export const NO_INPUT_TEXT = {
  'en-GB': "Sorry, I didn't hear anything.",
  'cy-GB': "Mae'n ddrwg gen i, chlywais i ddim byd.",
};
export const NO_MATCH_TEXT = {
  'en-GB': "Sorry, that isn't one of the options.",
  'cy-GB': "Mae'n ddrwg gen i, nid yw hynny'n un o'r dewisiadau.",
};

/** Re-prompting after no input or a wrong key: how many more tries, and what is said first. */
export const repromptParams = (kind: 'noInput' | 'noMatch') =>
  z
    .strictObject({
      retries: retries(
        kind === 'noInput' ? 'Times the caller is asked again after saying nothing' : 'Times the caller is asked again after a wrong answer',
      ),
      prompt: defaultedPrompt(
        kind === 'noInput' ? 'Said before asking again after no input' : 'Said before asking again after a wrong answer',
        kind === 'noInput' ? NO_INPUT_TEXT : NO_MATCH_TEXT,
      ),
    })
    .prefault({})
    .describe(kind === 'noInput' ? 'When the caller says or presses nothing' : 'When the answer is not an option');
export type RepromptParams = z.output<ReturnType<typeof repromptParams>>;

/** The prompts of a node that asks a question and re-prompts (menu, speech, language), for validation. */
export const questionPrompts = (p: { prompt?: PromptParam | undefined; noInput: RepromptParams; noMatch: RepromptParams }) => [
  { field: 'prompt', prompt: p.prompt },
  { field: 'noInput.prompt', prompt: p.noInput.prompt, defaults: NO_INPUT_TEXT },
  { field: 'noMatch.prompt', prompt: p.noMatch.prompt, defaults: NO_MATCH_TEXT },
];

export type KeyAnswer = { kind: 'key'; key: string } | { kind: 'noInput' } | { kind: 'noMatch' };

/**
 * Ask for one key until the caller presses one of `keys`: re-prompts (its own words, then the
 * question again) after no input or a wrong key, up to each one's retries; `repeatKey` repeats the
 * question without using up a try.
 */
export async function askForKey(
  context: Pick<NodeContext<unknown>, 'call' | 'prompt' | 'log' | 'signal'>,
  ask: {
    prompt: PromptParam;
    keys: readonly string[];
    repeatKey?: string | undefined;
    bargeIn: boolean;
    timeoutMs: number;
    noInput: RepromptParams;
    noMatch: RepromptParams;
  },
): Promise<KeyAnswer> {
  const { call, prompt, log, signal } = context;
  let noInputs = 0;
  let noMatches = 0;
  let lead: PromptSegment[] = [];
  for (;;) {
    const segments = [...lead, ...prompt(ask.prompt)];
    const answer = await call.collectDigits({
      prompt: segments,
      bargeIn: ask.bargeIn,
      minDigits: 1,
      maxDigits: 1,
      terminators: '',
      firstDigitTimeoutMs: ask.timeoutMs,
      interDigitTimeoutMs: ask.timeoutMs,
      signal,
    });
    log('prompt.played', { text: spokenText(segments) });
    if (answer.kind === 'noInput') {
      log('input.none', {});
      if (++noInputs > ask.noInput.retries) return { kind: 'noInput' };
      lead = prompt(ask.noInput.prompt);
      continue;
    }
    log('input.digits', { digits: answer.digits });
    if (ask.keys.includes(answer.digits)) return { kind: 'key', key: answer.digits };
    if (answer.digits === ask.repeatKey) {
      lead = [];
      continue;
    }
    if (++noMatches > ask.noMatch.retries) return { kind: 'noMatch' };
    lead = prompt(ask.noMatch.prompt);
  }
}

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
