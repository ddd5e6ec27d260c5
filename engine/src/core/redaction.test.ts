import { describe, expect, it } from 'vitest';
import { CARD_REDACTED, findCardNumbers, isCardNumber, luhnValid, redactCardNumbers, redactValue } from './redaction.js';

describe('the redaction layer', () => {
  it('knows a card number by length and the Luhn check', () => {
    expect(['4444333322221111', '5555555555554444', '4917610000000000', '378282246310005'].every(isCardNumber)).toBe(true);
    expect(isCardNumber('4444333322221112')).toBe(false);
    expect(isCardNumber('12345678')).toBe(false);
    // 13 digits of epoch milliseconds that pass Luhn are still not a card: cards start 2–6.
    expect(luhnValid('1767780000009') && isCardNumber('1767780000009')).toBe(false);
    expect(luhnValid('79927398713')).toBe(true);
    expect(luhnValid('12ab')).toBe(false);
  });

  it('finds cards written plainly, grouped, or inside a longer run of digits, and nothing in ordinary numbers', () => {
    expect(findCardNumbers('card 4444 3333 2222 1111 and 5555-5555-5555-4444')).toEqual(['4444333322221111', '5555555555554444']);
    expect(findCardNumbers('digits 0000004917610000000000 run on')).toContain('4917610000000000');
    expect(findCardNumbers('call +441234500000 ref 12345678, at 1767780000000 ms, id 7000000000000000')).toEqual([]);
    // Two numbers side by side are not one long one (an SDP origin line), unless grouped the way cards are.
    expect(findCardNumbers('o=FreeSWITCH 1796080446 1796080447 IN IP4 192.0.2.2')).toEqual([]);
    expect(findCardNumbers('amex 3782 822463 10005, and 4444333322221111 1796080446')).toEqual(['378282246310005', '4444333322221111']);
  });

  it('removes cards from text and from any value, returning the same object when there is nothing to remove', () => {
    expect(redactCardNumbers('keyed 4444333322221111 at the menu')).toBe(`keyed ${CARD_REDACTED} at the menu`);
    expect(redactCardNumbers('ids 4444333322221111 1796080446')).toBe(`ids ${CARD_REDACTED} 1796080446`);
    const clean = { digits: '1234', nested: { list: ['PCN1', 7000] } };
    expect(redactValue(clean)).toBe(clean);
    expect(redactValue({ a: { b: ['x 4444333322221111'] }, n: 4444333322221111, keep: 12 })).toEqual({ a: { b: [`x ${CARD_REDACTED}`] }, n: CARD_REDACTED, keep: 12 });
  });
});
