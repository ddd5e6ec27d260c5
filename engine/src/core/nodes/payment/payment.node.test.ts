import { describe, expect, it } from 'vitest';
import { findCardNumbers } from '../../redaction.js';
import { runNode } from '../../../testing/node-harness.js';
import { paymentNodeV1 } from './payment-v1.node.js';
import { paymentNode } from './payment.node.js';

const params = { amountVariable: 'amountDuePence', referenceVariable: 'caseRef', description: 'Parking fine {{caseRef}}' };
const vars = { amountDuePence: '7000', caseRef: 'PCN12345678' };
/** A caller keying a whole card on the payment line: number, expiry (MMYY), security code. */
const card = (pan: string, expiry = '1230', code = '919') => [{ press: `${pan}#` }, { press: `${expiry}#` }, { press: `${code}#` }];

/** Nothing the node leaves behind may hold a card number or the security code keyed. */
function expectNoCardData(r: Awaited<ReturnType<typeof runNode>>, code = '919') {
  const left = JSON.stringify([r.events, r.set, r.heard]);
  expect(findCardNumbers(left)).toEqual([]);
  expect(left).not.toContain(code);
}

describe('payment node', () => {
  it('hands the caller to the payment line, which takes a keyed card; the result is stored, never the card', async () => {
    const r = await runNode(paymentNode, params, { vars, caller: card('4444333322221111', '1230', '737') });
    expect(r).toMatchObject({
      outcome: 'paid',
      set: {
        paymentStatus: 'paid',
        paymentReference: 'PCN12345678',
        paymentTransactionId: 'FAKE00000001',
        paymentAmountPence: 7000,
        paymentMaskedCard: '**** 1111',
      },
    });
    expect(r.heard).toEqual(
      expect.arrayContaining([
        'Welcome to Pay360 secure payments. You are paying Westshire County Council.',
        'The amount to pay is £70.00.',
        'Please enter your card number, followed by the hash key.',
        'Please enter the security code from the back of your card, followed by the hash key.',
        'Thank you. Your payment has been approved.',
      ]),
    );
    expect(r.events.map((e) => e.type)).toEqual(['payment.started', 'payment.ended']);
    expect(r.events[1]!.data).toMatchObject({ status: 'paid', transactionId: 'FAKE00000001', maskedCard: '**** 1111', amountPence: 7000, previouslyPaid: false });
    expectNoCardData(r, '737');
    expect(r.call.recordingPaused).toBe(false);
  });

  it('takes the declined exit for a decline test card, and asks again for a card number that fails the Luhn check', async () => {
    const r = await runNode(paymentNode, params, { vars, caller: [{ press: '4444333322221112#1230#919#' }, ...card('4000000000000002')] });
    expect(r).toMatchObject({ outcome: 'declined', set: { paymentStatus: 'declined', paymentMaskedCard: '**** 0002' } });
    expect(r.heard).toContain("Sorry, that card number isn't valid.");
    expect(r.heard.at(-1)).toBe('Sorry, your payment was declined: declined by the card issuer. No money has been taken.');
    expectNoCardData(r);
  });

  it('is abandoned when the caller keys nothing on the payment line, and comes back to the flow', async () => {
    const r = await runNode(paymentNode, params, { vars, caller: [{ wait: 200 }] });
    expect(r).toMatchObject({ outcome: 'abandoned', set: { paymentStatus: 'abandoned', paymentTransactionId: 'FAKE00000001' } });
    expect(r.heard.at(-1)).toBe('We could not take your payment, and no money has been taken. Goodbye.');
  });

  it('lets the payment line ask the caller how much, when the flow says so', async () => {
    const r = await runNode(paymentNode, { referenceVariable: 'caseRef', amountFromCaller: true }, { vars, caller: [{ press: '2550#' }, ...card('5555555555554444')] });
    expect(r).toMatchObject({ outcome: 'paid', set: { paymentAmountPence: 2550, paymentMaskedCard: '**** 4444' } });
    expect(r.heard).toContain('Thank you. The amount to pay is £25.50.');
  });

  it.each([
    ['paid', 'paid'],
    ['declined', 'declined'],
    ['abandoned', 'abandoned'],
    ['error', 'error'],
    ['unreachable', 'error'],
    ['slow', 'error'],
  ] as const)('world payments: %s → %s', async (payments, outcome) => {
    const r = await runNode(paymentNode, params, { vars, world: { payments } });
    expect(r.outcome).toBe(outcome);
    expect(r.call.recordingPaused).toBe(false);
  });

  it('says why Pay360 could not take the payment: unreachable, too slow, refusing', async () => {
    const reasons = await Promise.all(
      (['unreachable', 'slow', 'error'] as const).map(async (payments) => (await runNode(paymentNode, params, { vars, world: { payments } })).events.at(-1)!.data.reason),
    );
    expect(reasons).toEqual(['unreachable', 'timeout', 'service-error']);
  });

  it('takes the error exit without calling Pay360 when the amount or reference is missing, too big or card-like', async () => {
    const cases: Record<string, string | number>[] = [{ caseRef: 'X1' }, { amountDuePence: 12.5, caseRef: 'X1' }, { amountDuePence: 500 }, { amountDuePence: 900_000, caseRef: 'X1' }, { amountDuePence: 500, caseRef: '4444333322221111' }];
    for (const v of cases) {
      const r = await runNode(paymentNode, params, { vars: v });
      expect(r.outcome).toBe('error');
      expect(r.heard).toEqual([]);
      expect(r.events).toEqual([]);
    }
  });

  it('uses a fixed amount when there is no variable', async () => {
    const r = await runNode(paymentNode, { amountPence: 2500, referenceVariable: 'caseRef' }, { vars: { caseRef: 'INV1' }, world: { payments: 'paid' } });
    expect(r.set).toMatchObject({ paymentAmountPence: 2500, paymentReference: 'INV1' });
  });

  it('takes the error exit when the payment line cannot be reached, and resumes recording', async () => {
    const r = await runNode(paymentNode, params, { vars, world: { destinations: { 'sip:callsecure@fake-pay360.invalid': 'failed' } } });
    expect(r.outcome).toBe('error');
    expect(r.events.at(-1)!.data).toMatchObject({ status: 'error', reason: 'hand-off-failed' });
    expect(r.call.recordingPaused).toBe(false);
  });

  it('a caller hanging up mid-payment leaves it abandoned (read back from Pay360 once the line lets go)', async () => {
    const r = await runNode(paymentNode, params, { vars, caller: [{ press: '4444333322221111#' }, { wait: 3 }, { hangup: true }] });
    expect(r.outcome).toBe('callerHungUp');
    await expect.poll(() => r.events.map((e) => e.type)).toEqual(['payment.started', 'payment.ended']);
    expect(r.events[1]!.data).toMatchObject({ status: 'abandoned', transactionId: 'FAKE00000001' });
    expectNoCardData(r);
  });

  it('is sensitive (keys redacted) and needs an amount', () => {
    expect(paymentNode.traits.sensitive).toBe(true);
    expect(paymentNode.params.safeParse({ referenceVariable: 'caseRef' }).error?.issues[0]?.path).toEqual(['amountPence']);
    expect(paymentNode.traits.optionalOutcomes?.(paymentNode.params.parse({ ...params, mode: 'refer' }))).toEqual(['paid', 'declined', 'abandoned', 'error']);
  });

  it('version 1 keeps running with its own exit names', async () => {
    expect((await runNode(paymentNodeV1, params, { vars, world: { payments: 'abandoned' } })).outcome).toBe('cancelled');
    const failed = await runNode(paymentNodeV1, params, { vars, world: { payments: 'unreachable' } });
    expect(failed).toMatchObject({ outcome: 'failed', set: { paymentStatus: 'failed' } });
    expect((await runNode(paymentNodeV1, params, { vars, caller: card('4444333322221111') })).outcome).toBe('paid');
  });
});
