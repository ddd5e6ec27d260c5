import { z } from 'zod';
import type { PromptSegment, VarValue } from '../../ports/index.js';
import type { NodeContext } from './define-node.js';
import { languageTag } from '../flow/schema.js';
import { fillTemplate } from '../template.js';

/**
 * A prompt as a node's param: a prompt-library id and/or text per language. Text may use
 * {{variable}} placeholders; nothing is evaluated.
 */
export const promptParam = z
  .strictObject({
    promptId: z.string().min(1).optional().describe('Recorded prompt from the prompt library'),
    text: z
      .record(languageTag, z.string())
      .default({})
      .describe('What the caller hears, per language (spoken by text-to-speech when no recording exists)'),
  })
  .describe('Prompt');

export type PromptParam = z.output<typeof promptParam>;

/** A prompt param with a default text per language (English and Welsh), for the node's own re-prompts. */
export const defaultedPrompt = (description: string, text: Record<string, string>) =>
  promptParam.default({ text }).describe(description);

/** The prompt with some of its placeholders filled from the node's own values (see fillTemplate). */
export function withValues(prompt: PromptParam, values: Readonly<Record<string, VarValue>>): PromptParam {
  return {
    ...prompt,
    text: Object.fromEntries(Object.entries(prompt.text).map(([language, text]) => [language, fillTemplate(text, values)])),
  };
}

/** What the caller heard, as one line of text for the call's event log. */
export const spokenText = (segments: readonly PromptSegment[]): string => segments.map((s) => s.text).join(' ');

/** Digits read back one by one: "12345" → "1 2 3 4 5". */
export const readBack = (digits: string): string => digits.split('').join(' ');

/** Play a prompt param (if given) without barge-in, and log what was heard. */
export async function say(
  { call, prompt, log, signal }: Pick<NodeContext<unknown>, 'call' | 'prompt' | 'log' | 'signal'>,
  param: PromptParam | undefined,
): Promise<void> {
  if (!param) return;
  const segments = prompt(param);
  await call.play(segments, { bargeIn: false, signal });
  log('prompt.played', { text: spokenText(segments) });
}
