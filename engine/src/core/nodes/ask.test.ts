import { describe, expect, it } from 'vitest';
import type { PromptSegment } from '../../ports/index.js';
import { ask, type Verdict } from './ask.js';
import type { PromptParam } from './prompt.js';

/** A question whose caller gives the scripted responses in turn; records what was said before each try. */
function scripted(responses: Array<Verdict<string>>) {
  const heard: string[][] = [];
  const logged: string[] = [];
  const context = {
    prompt: (param: PromptParam | undefined): PromptSegment[] => (param ? [{ language: 'en-GB', text: param.text['en-GB'] ?? '' }] : []),
    log: (type: string) => void logged.push(type),
  };
  const said = (text: string): PromptParam => ({ text: { 'en-GB': text } });
  let next = 0;
  const question = {
    prompt: said('Question?'),
    noInput: { retries: 1, prompt: said('Nothing heard.') },
    noMatch: { retries: 2, prompt: said('Not an option.') },
    put: async (segments: PromptSegment[]) => {
      heard.push(segments.map((s) => s.text));
      return responses[next++]!;
    },
    judge: (response: Verdict<string>) => response,
  };
  return { context, question, heard, logged };
}

describe('the re-prompt loop every question shares', () => {
  it('says the re-prompt words of the last failure before asking again, and returns the answer', async () => {
    const { context, question, heard, logged } = scripted([{ kind: 'noInput' }, { kind: 'noMatch' }, { kind: 'answer', answer: '2' }]);
    expect(await ask(context, question)).toEqual({ kind: 'answer', answer: '2' });
    expect(heard).toEqual([['Question?'], ['Nothing heard.', 'Question?'], ['Not an option.', 'Question?']]);
    expect(logged).toEqual(['prompt.played', 'prompt.played', 'prompt.played']);
  });

  it('gives up on a kind once its own retries are used up', async () => {
    const { context, question } = scripted([{ kind: 'noInput' }, { kind: 'noMatch' }, { kind: 'noInput' }]);
    expect(await ask(context, question)).toEqual({ kind: 'noInput' });
  });

  it('with one shared budget, gives up after that many failures of any kind, on the last kind', async () => {
    const { context, question } = scripted([{ kind: 'noInput' }, { kind: 'noMatch' }, { kind: 'noMatch' }]);
    expect(await ask(context, { ...question, sharedRetries: 2 })).toEqual({ kind: 'noMatch' });
  });

  it('a repeat asks again without using a try or saying re-prompt words; a quiet failure uses a try silently', async () => {
    const { context, question, heard } = scripted([
      { kind: 'repeat' },
      { kind: 'repeat' },
      { kind: 'noMatch', quiet: true },
      { kind: 'noMatch' },
      { kind: 'answer', answer: 'ok' },
    ]);
    expect(await ask(context, question)).toEqual({ kind: 'answer', answer: 'ok' });
    expect(heard).toEqual([['Question?'], ['Question?'], ['Question?'], ['Question?'], ['Not an option.', 'Question?']]);
  });
});
