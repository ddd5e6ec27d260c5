/**
 * The one redaction layer: what stands in for secrets, and how card numbers are recognised and
 * removed. The call's event log (runtime/event-log.ts) and the engine's logger (logging.ts) both
 * pass everything through here; the leak scan (scripts/leak-scan.ts) uses the same recogniser to
 * prove nothing got past. Browser-safe: plain functions, no imports.
 */

/** What stands in for secret digits (a payment node's key presses). */
export const REDACTED = '•••';

/** What stands in for a card-like number found in free text. */
export const CARD_REDACTED = '[card number removed]';

/** A run of 13 or more digits, optionally grouped by single spaces or dashes (as people and logs write cards). */
const DIGIT_RUN = /\d(?:[ -]?\d){12,}/g;

/** The Luhn (mod 10) check every payment card number passes. */
export function luhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/**
 * True for what a payment card number looks like: 13–19 digits, a payment card's first digit (2–6: the
 * ISO/IEC 7812 industries of Mastercard, Amex, Visa, Discover, Maestro …), passing the Luhn check.
 * The first-digit rule keeps epoch-millisecond times (13 digits starting 1) from looking like cards.
 */
export function isCardNumber(digits: string): boolean {
  return digits.length >= 13 && digits.length <= 19 && /^[2-6]/.test(digits) && luhnValid(digits);
}

/** Card numbers in a run of digits: the whole run when it is 13–19 long, else every 13–19 digit window in it. */
export function cardNumbersIn(digits: string): string[] {
  if (digits.length < 13) return [];
  if (digits.length <= 19) return isCardNumber(digits) ? [digits] : [];
  const found: string[] = [];
  for (let length = 19; length >= 13; length--) {
    for (let start = 0; start + length <= digits.length; start++) {
      const candidate = digits.slice(start, start + length);
      if (isCardNumber(candidate)) found.push(candidate);
    }
  }
  return found;
}

/** Every card-like number in `text` (runs of digits, grouped by spaces or dashes or not). */
export function findCardNumbers(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(DIGIT_RUN)) found.push(...cardNumbersIn(match[0].replace(/[ -]/g, '')));
  return found;
}

/** `text` with every card-like number replaced by CARD_REDACTED (a digit run that merely looks long stays). */
export function redactCardNumbers(text: string): string {
  if (!/\d{4}/.test(text)) return text; // the common case costs one cheap test
  return text.replace(DIGIT_RUN, (run) => (findCardNumbers(run).length > 0 ? CARD_REDACTED : run));
}

/**
 * Any JSON-like value with every string passed through redactCardNumbers, and every whole number that
 * is a card number replaced. Returns the same object when nothing needed removing (the usual case), so
 * the event log's hot path allocates nothing.
 */
export function redactValue<T>(value: T): T {
  if (typeof value === 'string') return redactCardNumbers(value) as T;
  if (typeof value === 'number') {
    return (Number.isInteger(value) && Math.abs(value) >= 1e12 && isCardNumber(String(Math.abs(value))) ? CARD_REDACTED : value) as T;
  }
  if (Array.isArray(value)) {
    let changed: unknown[] | undefined;
    value.forEach((item, i) => {
      const redacted = redactValue(item);
      if (redacted !== item) (changed ??= [...value])[i] = redacted;
    });
    return (changed ?? value) as T;
  }
  if (value !== null && typeof value === 'object') {
    let changed: Record<string, unknown> | undefined;
    for (const key in value) {
      const item = (value as Record<string, unknown>)[key];
      const redacted = redactValue(item);
      if (redacted !== item) (changed ??= { ...(value as Record<string, unknown>) })[key] = redacted;
    }
    return (changed ?? value) as T;
  }
  return value;
}
