/**
 * How the FAKE Pay360 judges a card keyed on its payment line, like a payment service's test mode:
 * any well-formed card is approved except the listed decline cards. Card numbers are judged and
 * forgotten here; nothing but the scheme and the last four digits leaves this module.
 */
import { luhnValid } from '../../../../core/redaction.js';

/** Test card numbers the fake declines, with the reason it gives. */
export const DECLINED_CARDS: Readonly<Record<string, string>> = {
  '4000000000000002': 'Declined by the card issuer',
  '4000000000009995': 'Insufficient funds',
};

export type CardField = 'pan' | 'expiry' | 'securityCode';

export type CardCheck =
  /** The field is not a valid entry: the payment line asks for it again. */
  | { ok: false; field: CardField }
  | { ok: true; approved: boolean; reason: string; scheme: string; lastFour: string };

export function cardScheme(pan: string): string {
  if (/^4/.test(pan)) return 'Visa';
  if (/^(5[1-5]|2(2[2-9]|[3-6]\d|7[01]|720))/.test(pan)) return 'Mastercard';
  if (/^3[47]/.test(pan)) return 'American Express';
  return 'Card';
}

/** MMYY not in the past (a card is good to the end of its expiry month). */
function expiryValid(expiry: string, now: number): boolean {
  const match = /^(\d{2})(\d{2})$/.exec(expiry);
  if (!match) return false;
  const month = Number(match[1]);
  if (month < 1 || month > 12) return false;
  const endOfMonth = Date.UTC(2000 + Number(match[2]), month, 1);
  return endOfMonth > now;
}

export function checkCard(card: { pan: string; expiry: string; securityCode: string }, now: number): CardCheck {
  const { pan, expiry, securityCode } = card;
  if (!/^\d{13,19}$/.test(pan) || !luhnValid(pan)) return { ok: false, field: 'pan' };
  if (!expiryValid(expiry, now)) return { ok: false, field: 'expiry' };
  const scheme = cardScheme(pan);
  if (!new RegExp(`^\\d{${scheme === 'American Express' ? 4 : 3}}$`).test(securityCode)) return { ok: false, field: 'securityCode' };
  const declined = DECLINED_CARDS[pan];
  return { ok: true, approved: declined === undefined, reason: declined ?? 'Authorised', scheme, lastFour: pan.slice(-4) };
}
