import { z } from 'zod';
import { languageTag } from '../flow/schema.js';

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
