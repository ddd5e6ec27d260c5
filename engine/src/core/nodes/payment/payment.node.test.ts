import { describe, expect, it } from 'vitest';
import { runNode } from '../../../testing/node-harness.js';
import { paymentNode } from './payment.node.js';

const params = { amountVariable: 'amountDuePence', referenceVariable: 'caseRef', description: 'Parking fine {{caseRef}}' };
const vars = { amountDuePence: '7000', caseRef: 'PCN12345678' };
const CARD_LIKE = /\d{12,19}/;

describe('payment node', () => {
  it('hands the caller to the card service and records the result, never the card', async () => {
    const r = await runNode(paymentNode, params, { vars, caller: [{ press: '4111111111111111' }, { press: '1230' }, { press: '123' }] });
    expect(r).toMatchObject({
      outcome: 'paid',
      set: { paymentStatus: 'paid', paymentReference: 'PCN12345678', paymentTransactionId: 'simulated-txn-1', paymentAmountPence: 7000 },
    });
    expect(JSON.stringify(r.events)).not.toMatch(CARD_LIKE);
    expect(JSON.stringify(r.set)).not.toMatch(CARD_LIKE);
    expect(r.call.recordingPaused).toBe(false);
  });

  it.each(['declined', 'cancelled', 'failed'] as const)('takes the %s exit', async (status) => {
    const r = await runNode(paymentNode, params, { vars, world: { payments: status } });
    expect(r).toMatchObject({ outcome: status, set: { paymentStatus: status, paymentTransactionId: null } });
  });

  it('uses a fixed amount when there is no variable', async () => {
    const r = await runNode(paymentNode, { amountPence: 2500, referenceVariable: 'caseRef' }, { vars: { caseRef: 'INV1' } });
    expect(r.set).toMatchObject({ paymentAmountPence: 2500, paymentReference: 'INV1' });
  });

  it('fails without calling the card service when the amount or reference is missing', async () => {
    expect((await runNode(paymentNode, params, { vars: { caseRef: 'X1' } })).outcome).toBe('failed');
    expect((await runNode(paymentNode, params, { vars: { amountDuePence: 12.5, caseRef: 'X1' } })).outcome).toBe('failed');
    const noRef = await runNode(paymentNode, params, { vars: { amountDuePence: 500 } });
    expect(noRef.outcome).toBe('failed');
    expect(noRef.heard).toEqual([]);
  });

  it('fails when the card service cannot be reached, and resumes recording', async () => {
    const r = await runNode(paymentNode, params, { vars, world: { destinations: { 'sip:callsecure@pay360.simulated': 'failed' } } });
    expect(r.outcome).toBe('failed');
    expect(r.call.recordingPaused).toBe(false);
  });

  it('is sensitive (keys redacted) and needs an amount', () => {
    expect(paymentNode.traits.sensitive).toBe(true);
    expect(paymentNode.params.safeParse({ referenceVariable: 'caseRef' }).error?.issues[0]?.path).toEqual(['amountPence']);
  });
});
