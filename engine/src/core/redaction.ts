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

/** Digits, possibly in groups joined by single spaces or dashes. */
const DIGIT_GROUPS = /\d+(?:[ -]\d+)*/g;

/**
 * Groups written the way cards are (4-4-4-4…, or Amex's 4-6-5) are one number; other groups — two
 * session ids side by side in an SDP line, a phone number's parts — stay apart.
 */
function numbersIn(groups: string): string[] {
  const parts = groups.split(/[ -]/);
  if (parts.length === 1) return parts;
  const cardGrouped = parts.slice(0, -1).every((p) => p.length === 4) || /^\d{4}[ -]\d{6}[ -]\d{5}$/.test(groups);
  return cardGrouped ? [parts.join('')] : parts;
}

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

/** Every card-like number in `text` (runs of digits, grouped as cards are written or not). */
export function findCardNumbers(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(DIGIT_GROUPS)) for (const digits of numbersIn(match[0])) found.push(...cardNumbersIn(digits));
  return found;
}

/** `text` with every card-like number replaced by CARD_REDACTED (a digit run that merely looks long stays). */
export function redactCardNumbers(text: string): string {
  if (!/\d{4}/.test(text)) return text; // the common case costs one cheap test
  return text.replace(DIGIT_GROUPS, (groups) => {
    const numbers = numbersIn(groups);
    if (numbers.length === 1) return cardNumbersIn(numbers[0]!).length > 0 ? CARD_REDACTED : groups;
    return groups.replace(/\d+/g, (part) => (cardNumbersIn(part).length > 0 ? CARD_REDACTED : part));
  });
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
