/**
 * Agreeing the number to call back: the caller's own (read back, 1 to confirm), or one they key in and
 * confirm. Undefined when no number was agreed — the caller stays in the queue.
 */
import type { NodeContext } from '../define-node.js';
import { readBack, spokenText, withValues, type PromptParam } from '../prompt.js';

export interface CallbackPrompts {
  confirmNumber: PromptParam;
  enterNumber: PromptParam;
}

/** A number a callback can dial: 10 to 15 digits, optionally after +. */
export const dialable = (text: string): string | undefined => {
  const compact = text.replace(/[\s()-]/g, '');
  return /^\+?\d{10,15}$/.test(compact) ? compact : undefined;
};

const TRIES = 2;

export async function agreeCallbackNumber(
  context: Pick<NodeContext<unknown>, 'call' | 'prompt' | 'log' | 'signal'>,
  prompts: CallbackPrompts,
  confirm: boolean,
): Promise<string | undefined> {
  const { call, prompt, log, signal } = context;
  const own = dialable(call.from);
  if (own && !confirm) return own;
  let candidate = own;
  for (let tries = 0; tries <= TRIES; tries++) {
    if (candidate) {
      const segments = prompt(withValues(prompts.confirmNumber, { callbackNumber: readBack(candidate.replace(/^\+44/, '0')) }));
      const pressed = await call.collectDigits({ prompt: segments, bargeIn: true, minDigits: 1, maxDigits: 1, terminators: '', firstDigitTimeoutMs: 6000, interDigitTimeoutMs: 3000, signal });
      log('prompt.played', { text: spokenText(segments) });
      if (pressed.kind === 'noInput') {
        log('input.none', {});
        continue;
      }
      log('input.digits', { digits: pressed.digits });
      if (pressed.digits === '1') return candidate;
      if (pressed.digits !== '2') continue;
    }
    const segments = prompt(prompts.enterNumber);
    const entered = await call.collectDigits({ prompt: segments, bargeIn: true, minDigits: 10, maxDigits: 15, terminators: '#', firstDigitTimeoutMs: 8000, interDigitTimeoutMs: 4000, signal });
    log('prompt.played', { text: spokenText(segments) });
    if (entered.kind === 'noInput') {
      log('input.none', {});
      candidate = undefined;
      continue;
    }
    // A phone number the caller chose to give: logged like any keyed entry (never card data here).
    log('input.digits', { digits: entered.digits });
    candidate = dialable(entered.digits);
  }
  return undefined;
}
