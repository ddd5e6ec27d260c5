import { z } from 'zod';
import type { PromptSegment } from '../../ports/index.js';
import { retries } from './common-params.js';
import type { NodeContext } from './define-node.js';
import { defaultedPrompt, spokenText, type PromptParam } from './prompt.js';

/**
 * Asking the caller a question and asking again: the ONE re-prompt loop that menu, language, speech
 * and collect-digits share. A node says how to put the question (press a key, listen, collect
 * digits) and how to judge what came back; the loop counts tries, says the re-prompt words and gives
 * up the same way everywhere.
 */

export const NO_INPUT_TEXT = {
  'en-GB': "Sorry, I didn't hear anything.",
  'cy-GB': "Mae'n ddrwg gen i, chlywais i ddim byd.",
};
export const NO_MATCH_TEXT = {
  'en-GB': "Sorry, that isn't one of the options.",
  'cy-GB': "Mae'n ddrwg gen i, nid yw hynny'n un o'r dewisiadau.",
};

/** Re-prompting after no input or a wrong answer: how many more tries, and what is said first. */
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

/** What one try at the question came to. */
export type Verdict<A> =
  | { kind: 'answer'; answer: A }
  /**
   * Nothing heard, or not an answer the node accepts (a wrong key, an invalid entry, speech not
   * understood). `quiet` asks again without the re-prompt words (e.g. "2 to try again" at a read-back).
   */
  | { kind: 'noInput' | 'noMatch'; quiet?: boolean }
  /** Ask again without using up a try and without re-prompt words (a menu's repeat key). */
  | { kind: 'repeat' };

export type AskResult<A> = { kind: 'answer'; answer: A } | { kind: 'noInput' } | { kind: 'noMatch' };

export interface Question<R, A> {
  prompt: PromptParam | undefined;
  noInput: { retries: number; prompt: PromptParam | undefined };
  noMatch: { retries: number; prompt: PromptParam | undefined };
  /**
   * One budget for both kinds of failure (collect-digits: "asked again N times after no input or an
   * invalid entry"); the result is the last failure's kind. Without it each kind has its own retries.
   */
  sharedRetries?: number;
  /** Put the question (after any re-prompt words) to the caller and wait for what they do. */
  put(segments: PromptSegment[]): Promise<R>;
  /** What the response means. Logs the caller's input (digits, speech, none) itself. */
  judge(response: R): Verdict<A> | Promise<Verdict<A>>;
}

/** Ask until the caller gives an answer the node accepts, or the tries run out. */
export async function ask<R, A>(context: Pick<NodeContext<unknown>, 'prompt' | 'log'>, question: Question<R, A>): Promise<AskResult<A>> {
  const failures = { noInput: 0, noMatch: 0 };
  let lead: PromptSegment[] = [];
  for (;;) {
    const segments = [...lead, ...context.prompt(question.prompt)];
    const response = await question.put(segments);
    context.log('prompt.played', { text: spokenText(segments) });
    const verdict = await question.judge(response);
    if (verdict.kind === 'answer') return verdict;
    lead = [];
    if (verdict.kind === 'repeat') continue;
    failures[verdict.kind]++;
    const givenUp =
      question.sharedRetries !== undefined
        ? failures.noInput + failures.noMatch > question.sharedRetries
        : failures[verdict.kind] > question[verdict.kind].retries;
    if (givenUp) return { kind: verdict.kind };
    if (!verdict.quiet) lead = context.prompt(question[verdict.kind].prompt);
  }
}

export type KeyAnswer = { kind: 'key'; key: string } | { kind: 'noInput' } | { kind: 'noMatch' };

/**
 * Ask for one key until the caller presses one of `keys` (menus, the language choice); `repeatKey`
 * repeats the question without using up a try.
 */
export async function askForKey(
  context: Pick<NodeContext<unknown>, 'call' | 'prompt' | 'log' | 'signal'>,
  question: {
    prompt: PromptParam;
    keys: readonly string[];
    repeatKey?: string | undefined;
    bargeIn: boolean;
    timeoutMs: number;
    noInput: RepromptParams;
    noMatch: RepromptParams;
  },
): Promise<KeyAnswer> {
  const { call, log, signal } = context;
  const result = await ask(context, {
    prompt: question.prompt,
    noInput: question.noInput,
    noMatch: question.noMatch,
    put: (segments) =>
      call.collectDigits({
        prompt: segments,
        bargeIn: question.bargeIn,
        minDigits: 1,
        maxDigits: 1,
        terminators: '',
        firstDigitTimeoutMs: question.timeoutMs,
        interDigitTimeoutMs: question.timeoutMs,
        signal,
      }),
    judge: (pressed): Verdict<string> => {
      if (pressed.kind === 'noInput') {
        log('input.none', {});
        return pressed;
      }
      log('input.digits', { digits: pressed.digits });
      if (question.keys.includes(pressed.digits)) return { kind: 'answer', answer: pressed.digits };
      return pressed.digits === question.repeatKey ? { kind: 'repeat' } : { kind: 'noMatch' };
    },
  });
  return result.kind === 'answer' ? { kind: 'key', key: result.answer } : result;
}
