import type { PromptLibrary, PromptSegment, VarValue } from '../../ports/index.js';
import type { PromptParam } from '../nodes/prompt.js';
import { renderTemplate } from '../template.js';

export interface PromptSettings {
  /** The call's language now. */
  language: string;
  /** The flow's first language, used when a prompt has nothing in the call's language. */
  defaultLanguage: string;
  vars: Readonly<Record<string, VarValue>>;
  library?: PromptLibrary | undefined;
}

/**
 * A prompt param as the caller hears it: the recording (or text) in the call's language, else in the
 * flow's default language, templated with the call's variables. Nothing to say gives no segments.
 */
export function resolvePrompt(param: PromptParam | undefined, settings: PromptSettings): PromptSegment[] {
  if (!param) return [];
  for (const language of [settings.language, settings.defaultLanguage]) {
    const recorded = param.promptId ? settings.library?.lookup(param.promptId, language) : undefined;
    const text = recorded?.text ?? param.text[language];
    if (text === undefined || text.trim() === '') continue;
    const segment: PromptSegment = { language, text: renderTemplate(text, settings.vars) };
    if (recorded?.audio) segment.audio = recorded.audio;
    if (param.promptId && recorded) segment.promptId = param.promptId;
    return [segment];
  }
  return [];
}
