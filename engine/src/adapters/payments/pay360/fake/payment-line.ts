/**
 * The FAKE Pay360 payment line's conversation, written once for both of its phones: the simulator's
 * far end (designer test calls, flow tests) and the small SIP endpoint test:sip calls. It reads the
 * one-time token keyed by frontdoor, then asks the caller for the amount (when the session has none),
 * card number, expiry date and security code, like a real payment IVR. It never says back what was
 * keyed: prompts carry no caller digits, so nothing heard (or shown in a transcript) is card data.
 */
import { abortError } from '../../../clock/system-clock.js';
import { CARD_ENTRY_ATTEMPTS, type FakePay360 } from './fake-pay360.js';
import type { CardField } from './test-cards.js';

export interface PaymentLinePhone {
  /** Say something to the caller; resolves when it has been said. */
  say(text: string, signal: AbortSignal): Promise<void>;
  /** The next key pressed (DTMF), or undefined when none comes within `timeoutMs`. */
  nextKey(timeoutMs: number, signal: AbortSignal): Promise<string | undefined>;
}

/** After a full-length entry, how long a following hash key still belongs to it. */
const HASH_GRACE_MS = 2000;

/**
 * Reads one entry from a phone's keys: digits up to the hash key (not included) or `max` digits (a hash
 * right after still belongs to it), undefined when nothing comes within `timeoutMs` before the first key
 * or between keys. A hash before any digit is ignored. A key read too far is handed back.
 */
class KeyReader {
  private held: string | undefined;

  constructor(private readonly phone: PaymentLinePhone) {}

  private next(timeoutMs: number, signal: AbortSignal): Promise<string | undefined> {
    const held = this.held;
    this.held = undefined;
    return held !== undefined ? Promise.resolve(held) : this.phone.nextKey(timeoutMs, signal);
  }

  async entry(options: { max: number; timeoutMs: number }, signal: AbortSignal): Promise<string | undefined> {
    let keys = '';
    for (;;) {
      const key = await this.next(options.timeoutMs, signal);
      if (key === undefined) return keys || undefined;
      if (key === '#') {
        if (keys) return keys;
        continue;
      }
      if (!/^[0-9]$/.test(key)) continue; // * and A–D mean nothing here
      keys += key;
      if (keys.length >= options.max) {
        const after = await this.next(HASH_GRACE_MS, signal);
        if (after !== undefined && after !== '#') this.held = after;
        return keys;
      }
    }
  }
}

/** What the world forces in a simulated call (the card keyed decides otherwise). */
export type ForcedOutcome = 'paid' | 'declined' | 'abandoned';

export type PaymentLineEnd = 'paid' | 'declined' | 'abandoned' | 'no-session';

/** How long the line waits for keys (the token is keyed by a machine, the card by a person). */
export const TOKEN_TIMEOUT_MS = 10_000;
export const CARD_KEY_TIMEOUT_MS = 15_000;

const ASK: Record<CardField, string> = {
  pan: 'Please enter your card number, followed by the hash key.',
  expiry: "Please enter your card's expiry date as four digits, month then year, followed by the hash key.",
  securityCode: 'Please enter the security code from the back of your card, followed by the hash key.',
};
const INVALID: Record<CardField, string> = {
  pan: "Sorry, that card number isn't valid.",
  expiry: "Sorry, that expiry date isn't valid.",
  securityCode: "Sorry, that security code isn't valid.",
};
const MAX_KEYS: Record<CardField, number> = { pan: 19, expiry: 4, securityCode: 4 };

export const spokenAmount = (pence: number): string => `£${(pence / 100).toFixed(2)}`;

class GaveUp extends Error {}

/** The line as the conversation uses it: things to say, and whole entries read from the keys. */
interface Phone {
  say(text: string, signal: AbortSignal): Promise<void>;
  keys(options: { max: number; timeoutMs: number }, signal: AbortSignal): Promise<string | undefined>;
}

/** One call on the payment line, from answer to hang-up. */
export async function runPaymentLine(fake: FakePay360, line: PaymentLinePhone, signal: AbortSignal, force?: ForcedOutcome): Promise<PaymentLineEnd> {
  const reader = new KeyReader(line);
  const phone = { say: (text: string, s: AbortSignal) => line.say(text, s), keys: (o: { max: number; timeoutMs: number }, s: AbortSignal) => reader.entry(o, s) };
  const token = await phone.keys({ max: 12, timeoutMs: TOKEN_TIMEOUT_MS }, signal);
  const call = token ? fake.callIn(token) : undefined;
  if (!call) {
    await phone.say('Sorry, this payment could not be found. Goodbye.', signal);
    return 'no-session';
  }
  let finished = false;
  try {
    await phone.say(`Welcome to Pay360 secure payments. You are paying ${call.merchantName}.`, signal);
    if (call.amountMinor === undefined) await askAmount(fake, phone, call.sessionId, signal);
    else await phone.say(`The amount to pay is ${spokenAmount(call.amountMinor)}.`, signal);
    if (force) {
      finished = true;
      if (force === 'abandoned') {
        fake.abandon(call.sessionId);
        await phone.say('This is a simulated payment line: the caller leaves without paying. Goodbye.', signal);
        return 'abandoned';
      }
      fake.settle(call.sessionId, force === 'paid');
      await phone.say(`This is a simulated payment line: the payment is ${force === 'paid' ? 'approved' : 'declined'}.`, signal);
      return force;
    }
    const outcome = await takeCard(fake, phone, call.sessionId, signal);
    finished = true;
    await phone.say(
      outcome.approved
        ? 'Thank you. Your payment has been approved.'
        : `Sorry, your payment was declined: ${outcome.reason.toLowerCase()}. No money has been taken.`,
      signal,
    );
    return outcome.approved ? 'paid' : 'declined';
  } catch (error) {
    if (!(error instanceof GaveUp)) throw error;
    finished = true;
    fake.abandon(call.sessionId);
    await phone.say('We could not take your payment, and no money has been taken. Goodbye.', signal);
    return 'abandoned';
  } finally {
    // A hang-up (abort) or a fault mid-way: the payment is abandoned, never left in progress.
    if (!finished) fake.abandon(call.sessionId);
  }
}

async function askAmount(fake: FakePay360, phone: Phone, sessionId: string, signal: AbortSignal): Promise<void> {
  for (let attempt = 1; attempt <= CARD_ENTRY_ATTEMPTS; attempt++) {
    await phone.say('Please enter the amount you wish to pay in pounds and pence, followed by the hash key. For twelve pounds fifty, enter 1 2 5 0.', signal);
    const keyed = await phone.keys({ max: 9, timeoutMs: CARD_KEY_TIMEOUT_MS }, signal);
    if (keyed && /^\d{1,9}$/.test(keyed) && fake.setAmount(sessionId, Number(keyed))) {
      await phone.say(`Thank you. The amount to pay is ${spokenAmount(Number(keyed))}.`, signal);
      return;
    }
    await phone.say(keyed === undefined ? "Sorry, we didn't receive anything." : "Sorry, that amount isn't valid.", signal);
  }
  throw new GaveUp();
}

/** Asks for one field until it is keyed (or the caller has had their tries). */
async function ask(phone: Phone, field: CardField, signal: AbortSignal): Promise<string> {
  for (let attempt = 1; attempt <= CARD_ENTRY_ATTEMPTS; attempt++) {
    await phone.say(ASK[field], signal);
    const keyed = await phone.keys({ max: MAX_KEYS[field], timeoutMs: CARD_KEY_TIMEOUT_MS }, signal);
    if (keyed) return keyed;
    await phone.say("Sorry, we didn't receive anything.", signal);
  }
  throw new GaveUp();
}

async function takeCard(fake: FakePay360, phone: Phone, sessionId: string, signal: AbortSignal) {
  const card: Record<CardField, string> = { pan: '', expiry: '', securityCode: '' };
  const tries: Record<CardField, number> = { pan: 0, expiry: 0, securityCode: 0 };
  let next: CardField[] = ['pan', 'expiry', 'securityCode'];
  for (;;) {
    for (const field of next) card[field] = await ask(phone, field, signal);
    if (signal.aborted) throw abortError(signal);
    const outcome = fake.submitCard(sessionId, card);
    if (outcome.kind === 'finished') return outcome;
    tries[outcome.field] += 1;
    if (tries[outcome.field] >= CARD_ENTRY_ATTEMPTS) throw new GaveUp();
    await phone.say(INVALID[outcome.field], signal);
    // A bad card number or expiry means the later fields go again too (a real line starts that card over).
    next = outcome.field === 'pan' ? ['pan', 'expiry', 'securityCode'] : outcome.field === 'expiry' ? ['expiry', 'securityCode'] : ['securityCode'];
  }
}
