/**
 * Always listening in the queue (issue 10; per queue, optional: the queue's `listening` settings): a
 * caller who says a safeguarding phrase while waiting is raised in priority — served before callers
 * who waited longer — by the same rules as the speech node: the one matcher (stems, words between,
 * negation: "I'm not hurt" is not harm; phrases of another service take the words away: "I've fallen
 * behind with my rent"), a match only as sure as the utterance around it, routed on only when
 * confident, a doubtful one confirmed first ("press 1 or say yes"). Nothing the caller says ever
 * lowers their priority or ends their wait; a recogniser that fails is logged and the wait goes on.
 */
import type { QueueListening, QueueTicket } from '../../../ports/index.js';
import type { Utterance } from '../../../ports/call-channel.js';
import { findKeywords } from '../../keywords.js';
import type { NodeContext } from '../define-node.js';
import { confirmSafeguarding, type ConfirmationParams } from '../speech/confirmation.js';
import { matchConfidence } from '../speech/speech.node.js';

export type OverhearContext = Pick<NodeContext<unknown>, 'call' | 'prompt' | 'log' | 'signal' | 'language' | 'speech'>;

/** Asked when a caller in the queue said safeguarding words the recogniser was not sure of. */
export const QUEUE_CONFIRM_TEXT = {
  'en-GB': 'It sounds like someone may be hurt or at risk. To be put through sooner, press 1 or say yes. If not, press 2 or say no.',
  'cy-GB': "Mae'n swnio fel y gallai rhywun fod wedi brifo neu mewn perygl. I gael eich rhoi drwodd yn gynt, pwyswch 1 neu dywedwch ie. Os na, pwyswch 2 neu dywedwch na.",
};

const SAFEGUARDING = 'safeguarding';
const ELSEWHERE = 'elsewhere';

/**
 * What the caller said while waiting: recognised and matched; the caller's priority raised when it
 * was safeguarding. Returns true once the priority has been raised (nothing more to listen for).
 */
export async function overheard(context: OverhearContext, ticket: QueueTicket, listening: QueueListening, utterance: Utterance): Promise<boolean> {
  const { speech, log, signal, language } = context;
  const groups = [
    { outcome: SAFEGUARDING, phrases: listening.phrases, vulnerable: true },
    ...(listening.notPhrases.length ? [{ outcome: ELSEWHERE, phrases: listening.notPhrases }] : []),
  ];
  let recognition;
  try {
    recognition = await speech.recognize(utterance, { language, phrases: [...listening.phrases, ...listening.notPhrases], signal });
  } catch (error) {
    if (signal.aborted) throw error;
    log('input.speech', { transcript: '', inQueue: true, error: error instanceof Error ? error.message : String(error) });
    return false;
  }
  const transcript = recognition.kind === 'transcript' ? recognition.transcript : '';
  const { match, found } = findKeywords(transcript, groups, { language: recognition.kind === 'transcript' && recognition.language ? recognition.language : language });
  const flagged = match?.group.outcome === SAFEGUARDING ? match : undefined;
  // As sure as the words that matched, and as the utterance around them (the words that would negate it may be the ones lost).
  const confidence = flagged && recognition.kind === 'transcript' ? Math.min(matchConfidence(recognition, flagged), recognition.confidence) : 0;
  log('input.speech', {
    transcript,
    inQueue: true,
    ...(recognition.kind === 'transcript' ? { confidence: round(recognition.confidence) } : {}),
    ...(found.length ? { heard: [...new Set(found.map((f) => (f.negated ? `not: ${f.phrase}` : f.phrase)))].join(', ') } : {}),
    ...(flagged ? { matchConfidence: round(confidence) } : {}),
  });
  if (!flagged) return false;
  // A doubtful match is confirmed first (even below the least confidence); a confident one never is.
  const askFirst = listening.confirmBelowConfidence > 0 && confidence < listening.confirmBelowConfidence;
  if (!askFirst && confidence < listening.minConfidence) return false;
  if (askFirst && !(await confirmSafeguarding(context, confirmation(listening), listening.minConfidence))) return false;
  // The queue's own log says so (priority_raised, from and to), and the desk shows it with the call.
  await ticket.raisePriority(listening.priority);
  return true;
}

function confirmation(listening: QueueListening): ConfirmationParams {
  return { enabled: true, belowConfidence: listening.confirmBelowConfidence, prompt: { text: QUEUE_CONFIRM_TEXT }, timeoutSeconds: 6 };
}

const round = (n: number) => Math.round(n * 1000) / 1000;
