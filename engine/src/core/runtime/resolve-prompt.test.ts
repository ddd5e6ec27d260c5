import { describe, expect, it } from 'vitest';
import type { PromptLibrary } from '../../ports/index.js';
import { resolvePrompt } from './resolve-prompt.js';

const library: PromptLibrary = {
  lookup: (promptId, language) =>
    promptId === 'welcome' && language === 'cy-GB' ? { promptId, language, text: 'Croeso, {{name}}.', audio: 'prompts/welcome/cy-GB.wav' } : undefined,
};
const settings = { language: 'cy-GB', defaultLanguage: 'en-GB', vars: { name: 'Siân' }, library };

describe('resolvePrompt', () => {
  it('uses the recording in the call language when the library has it', () => {
    expect(resolvePrompt({ promptId: 'welcome', text: { 'en-GB': 'Welcome, {{name}}.' } }, settings)).toEqual([
      { language: 'cy-GB', text: 'Croeso, Siân.', audio: 'prompts/welcome/cy-GB.wav', promptId: 'welcome' },
    ]);
  });

  it('else the text in the call language, else in the flow’s first language, templated with the call’s variables', () => {
    expect(resolvePrompt({ text: { 'en-GB': 'Hello {{name}}', 'cy-GB': 'Helo {{name}}' } }, settings)).toEqual([{ language: 'cy-GB', text: 'Helo Siân' }]);
    expect(resolvePrompt({ promptId: 'goodbye', text: { 'en-GB': 'Goodbye {{name}}{{missing}}.' } }, settings)).toEqual([{ language: 'en-GB', text: 'Goodbye Siân.' }]);
  });

  it('gives nothing to play for no prompt or empty text', () => {
    expect(resolvePrompt(undefined, settings)).toEqual([]);
    expect(resolvePrompt({ text: { 'en-GB': '  ' } }, settings)).toEqual([]);
  });
});
