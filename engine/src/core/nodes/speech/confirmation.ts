/**
 * The safeguarding confirmation: when the words that sounded like harm were heard with low
 * confidence, ask once — "It sounds like someone may be hurt or at risk: press 1 or say yes to
 * speak to someone now" — instead of either sending a doubtful caller to the safeguarding team or
 * losing a vulnerable one. A confident safeguarding match never comes here.
 *
 * Anything but a clear no puts the caller through: someone who cannot answer may be the one at risk.
 */
import { z } from 'zod';
import { durationSeconds, ms } from '../common-params.js';
import { findKeywords } from '../../keywords.js';
import type { NodeContext } from '../define-node.js';
import { defaultedPrompt, spokenText } from '../prompt.js';

export const CONFIRM_TEXT = {
  'en-GB': 'It sounds like someone may be hurt or at risk. To speak to someone now, press 1 or say yes. If not, press 2 or say no.',
  'cy-GB': "Mae'n swnio fel y gallai rhywun fod wedi brifo neu mewn perygl. I siarad â rhywun nawr, pwyswch 1 neu dywedwch ie. Os na, pwyswch 2 neu dywedwch na.",
};

export const confirmationParams = z
  .strictObject({
    enabled: z.boolean().default(false).describe('Ask doubtful safeguarding matches to confirm (confident ones are never asked)'),
    belowConfidence: z
      .number()
      .min(0)
      .max(1)
      .default(0.8)
      .describe('Safeguarding words heard with less confidence than this (0–1) are confirmed first, even below the minimum confidence'),
    prompt: defaultedPrompt('The question asked', CONFIRM_TEXT),
    timeoutSeconds: durationSeconds('Wait for the answer (seconds)', 'How long to wait for the answer', 6, 1, 30),
  })
  .prefault({})
  .describe('Safeguarding confirmation');
export type ConfirmationParams = z.output<typeof confirmationParams>;

const ANSWERS = [
  { outcome: 'yes', phrases: ['yes', 'yeah', 'yep', 'please', 'help', 'correct', 'that is right', 'i do', 'ie'], vulnerable: true },
  { outcome: 'no', phrases: ['no', 'nope', 'not', 'wrong', 'fine', 'na', 'nage'] },
];
const ANSWER_PHRASES = ANSWERS.flatMap((a) => a.phrases);

/** True when the caller should be put through to safeguarding; false only on a clear no. */
export async function confirmSafeguarding(
  context: Pick<NodeContext<unknown>, 'call' | 'prompt' | 'log' | 'signal' | 'language' | 'speech'>,
  params: ConfirmationParams,
  minConfidence: number,
): Promise<boolean> {
  const { call, prompt, log, signal, language, speech } = context;
  const segments = prompt(params.prompt);
  const heard = await call.listen({
    prompt: segments,
    bargeIn: true,
    language,
    noInputTimeoutMs: ms(params.timeoutSeconds),
    maxSpeechMs: 5000,
    allowDigits: true,
    maxDigits: 1,
    signal,
  });
  log('prompt.played', { text: spokenText(segments) });
  if (heard.kind === 'noInput') {
    log('input.none', { confirm: 'safeguarding' });
    return true;
  }
  if (heard.kind === 'digits') {
    log('input.digits', { digits: heard.digits, confirm: 'safeguarding' });
    return heard.digits !== '2';
  }
  try {
    const recognition = await speech.recognize(heard.utterance, { language, phrases: ANSWER_PHRASES, signal });
    const transcript = recognition.kind === 'transcript' ? recognition.transcript : '';
    const answer = recognition.kind === 'transcript' && recognition.confidence >= minConfidence ? findKeywords(transcript, ANSWERS, { language }).match : undefined;
    log('input.speech', { transcript, confirm: 'safeguarding', answer: answer?.group.outcome ?? 'unclear' });
    return answer?.group.outcome !== 'no';
  } catch (error) {
    if (signal.aborted) throw error;
    log('input.speech', { transcript: '', confirm: 'safeguarding', answer: 'unclear', error: error instanceof Error ? error.message : String(error) });
    return true;
  }
}
